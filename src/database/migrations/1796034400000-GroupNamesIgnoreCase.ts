import { MigrationInterface, QueryRunner } from 'typeorm';

interface GroupRow {
  id: string;
  name: string;
  /** lower(name) as PostgreSQL computes it, which is what the new index compares. */
  key: string;
}

/**
 * Group names become unique ignoring case, as emails and usernames are. Groups whose names
 * already differ only in case keep the oldest one's name; each later one gets the first free
 * " (2)", " (3)", … suffix, and every rename is logged (grants and memberships follow the id).
 */
export class GroupNamesIgnoreCase1796034400000 implements MigrationInterface {
  name = 'GroupNamesIgnoreCase1796034400000';

  async up(q: QueryRunner): Promise<void> {
    // No group may be created or renamed between reading the names and the new index.
    await q.query(`LOCK TABLE groups IN SHARE ROW EXCLUSIVE MODE`);
    const groups = (await q.query(
      `SELECT id, name, lower(name) AS key FROM groups ORDER BY created_at, id`,
    )) as GroupRow[];
    const taken = new Set(groups.map((group) => group.key));
    const kept = new Set<string>();
    for (const group of groups) {
      if (!kept.has(group.key)) {
        kept.add(group.key);
        continue;
      }
      // The suffix is ASCII, so lower(name || suffix) = lower(name) || suffix.
      let n = 2;
      while (taken.has(`${group.key} (${n})`)) n++;
      const renamed = `${group.name} (${n})`;
      taken.add(`${group.key} (${n})`);
      await q.query(`UPDATE groups SET name = $2 WHERE id = $1`, [group.id, renamed]);
      q.connection.logger.logMigration(
        `group ${group.id} renamed from ${JSON.stringify(group.name)} to ${JSON.stringify(renamed)}: group names are now unique ignoring case`,
        q,
      );
    }
    await q.query(`DROP INDEX groups_name_key`);
    await q.query(`CREATE UNIQUE INDEX groups_name_lower_key ON groups (lower(name))`);
  }

  /** Renamed groups keep their new names: they are unique either way. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX groups_name_lower_key`);
    await q.query(`CREATE UNIQUE INDEX groups_name_key ON groups (name)`);
  }
}
