import { GrantSet } from './grants';
import { People } from './people';

/**
 * The access columns refresh_model_access (migration SetBasedAccessRefresh) would store, worked out
 * from the generated grants so the rows go in complete: a model's readers (its grants' principals,
 * `*`, `g:<id>`, `u:<id>`, in byte order), writers (those with write), and each grant's
 * groups_before (the group ids among its model's principals before its own). The seed proves the
 * result by running the refresh afterwards and finding nothing to write (seedAccessCheck).
 *
 * Each model's principals are kept as sortable keys, `rank * 2 + write`, where groups rank below
 * users (`g:` < `u:`) and each kind ranks by its id's text, so a numeric sort is the byte order.
 */
export class ModelAccess {
  private readonly offsets: Int32Array;
  private readonly keys: Int32Array;
  private readonly principals: string[];
  private readonly groupRank: Int32Array;
  private readonly userRank: Int32Array;

  constructor(
    people: People,
    private readonly isPublic: Uint8Array,
    groupGrants: GrantSet,
    userGrants: GrantSet,
  ) {
    const groupIds = people.groups.map((group) => group.id);
    const userIds = people.users.map((user) => user.id);
    this.groupRank = ranks(groupIds, 0);
    this.userRank = ranks(userIds, groupIds.length);
    this.principals = new Array<string>(groupIds.length + userIds.length);
    groupIds.forEach((id, g) => (this.principals[this.groupRank[g]] = `g:${id}`));
    userIds.forEach((id, u) => (this.principals[this.userRank[u]] = `u:${id}`));
    const count = isPublic.length;
    this.offsets = new Int32Array(count + 1);
    for (const grants of [groupGrants, userGrants]) for (const m of grants.model) this.offsets[m + 1]++;
    for (let m = 0; m < count; m++) this.offsets[m + 1] += this.offsets[m];
    this.keys = new Int32Array(this.offsets[count]);
    const fill = this.offsets.slice(0, count);
    const add = (grants: GrantSet, rank: Int32Array): void =>
      grants.model.forEach((m, i) => (this.keys[fill[m]++] = rank[grants.principal[i]] * 2 + grants.write[i]));
    add(groupGrants, this.groupRank);
    add(userGrants, this.userRank);
    for (let m = 0; m < count; m++) this.keys.subarray(this.offsets[m], this.offsets[m + 1]).sort();
  }

  /** readers, writers and is_public of custom model `m`. */
  model(m: number): { readers: string[]; writers: string[]; is_public: boolean } {
    const readers = this.isPublic[m] === 1 ? ['*'] : [];
    const writers: string[] = [];
    for (let k = this.offsets[m]; k < this.offsets[m + 1]; k++) {
      const principal = this.principals[this.keys[k] >> 1];
      readers.push(principal);
      if ((this.keys[k] & 1) === 1) writers.push(principal);
    }
    return { readers, writers, is_public: this.isPublic[m] === 1 };
  }

  /** private_custom and groups_before of a grant of custom model `m` (`*` is the public grant). */
  grant(m: number, principal: { group: number } | { user: number } | '*') {
    const before =
      principal === '*' ? 0 : 'group' in principal ? this.groupRank[principal.group] : this.userRank[principal.user];
    const groups: string[] = [];
    for (let k = this.offsets[m]; k < this.offsets[m + 1] && this.keys[k] >> 1 < before; k++) {
      if (this.keys[k] >> 1 < this.groupRank.length) groups.push(this.principals[this.keys[k] >> 1].slice(2));
    }
    return { private_custom: this.isPublic[m] === 0, groups_before: groups };
  }
}

/** Each id's position in byte order of the ids, plus `first`. */
function ranks(ids: readonly string[], first: number): Int32Array {
  const order = ids.map((_, i) => i).sort((a, b) => (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
  const rank = new Int32Array(ids.length);
  order.forEach((index, position) => (rank[index] = first + position));
  return rank;
}
