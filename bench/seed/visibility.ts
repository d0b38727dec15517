import { ModelPlan } from './custom-models';
import { GrantSet } from './grants';
import { People } from './people';

/** Which custom models each user can read, worked out in memory from what was generated. */
export class Visibility {
  private readonly owned: number[][];
  private readonly toUser: number[][];
  private readonly toGroup: number[][];
  private readonly publicIds: number[] = [];
  /** Per model, the call of privateReadable that last saw it (dedupes within one call). */
  private readonly stamp: Int32Array;
  private calls = 0;

  constructor(
    private readonly plan: ModelPlan,
    private readonly people: People,
    groupGrants: GrantSet,
    userGrants: GrantSet,
  ) {
    this.owned = people.users.map(() => []);
    this.toUser = people.users.map(() => []);
    this.toGroup = people.groups.map(() => []);
    plan.owner.forEach((user, model) => this.owned[user].push(model));
    userGrants.model.forEach((model, i) => this.toUser[userGrants.principal[i]].push(model));
    groupGrants.model.forEach((model, i) => this.toGroup[groupGrants.principal[i]].push(model));
    plan.isPublic.forEach((flag, model) => flag === 1 && this.publicIds.push(model));
    this.stamp = new Int32Array(plan.count).fill(-1);
  }

  ownedBy(user: number): readonly number[] {
    return this.owned[user];
  }

  /** Readable models that are not public: owned, or granted to the user or one of its groups. */
  privateReadable(user: number): number[] {
    // A fresh mark per call: marking with the user's index would skip, on a second call for the
    // same user, every model no other user visited since (undercounting its readable set).
    const mark = ++this.calls;
    const found: number[] = [];
    const visit = (model: number): void => {
      if (this.plan.isPublic[model] === 1 || this.stamp[model] === mark) return;
      this.stamp[model] = mark;
      found.push(model);
    };
    this.owned[user].forEach(visit);
    this.toUser[user].forEach(visit);
    for (const group of this.people.groupsOf[user]) this.toGroup[group].forEach(visit);
    return found;
  }

  readable(user: number): number[] {
    return [...this.publicIds, ...this.privateReadable(user)];
  }

  readableCount(user: number): number {
    return this.publicIds.length + this.privateReadable(user).length;
  }

  /** Regular users ordered by how many models they can read (fewest first). */
  usersByReadableCount(): number[] {
    const counts = this.people.users.map((_, user) => (user === 0 ? -1 : this.readableCount(user)));
    return counts
      .map((_, user) => user)
      .filter((user) => user !== 0)
      .sort((a, b) => counts[a] - counts[b] || a - b);
  }
}
