import fc from 'fast-check';
import { createBaseModel, createCustomModel } from './support/model-fixtures';
import { BASES, buildWorld, type World } from './support/random-world';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The grants' triggers are the guarantee of what the access rule reads (migrations ModelReaders,
 * GroupsBefore, SetBasedAccessRefresh): whatever writes access_grants, the service or plain SQL,
 * several rows at once or one, each model's readers, writers and is_public and each grant's
 * private_custom and groups_before must be what the grants say once the statement ends. Here plain
 * SQL inserts, deletes and updates grants (principal, permission, the model they belong to, the
 * public grant) in random sequences, and after each statement the stored columns are compared with
 * a recomputation from access_grants alone.
 */
jest.setTimeout(180_000);

let t: TestApp;
let world: World;
const MODELS = ['sql/a', 'sql/b', 'sql/c', 'sql/d', 'sql/e', 'sql/base'];

beforeAll(async () => {
  t = await startTestApp();
  world = await buildWorld(t);
  const owner = world.people[1].actor;
  for (const id of MODELS.slice(0, -1)) await createCustomModel(t, owner, { id, base_model_id: BASES[0] });
  await createBaseModel(t, world.people[0].actor, { id: 'sql/base' });
});
afterAll(() => t?.close());

/** A grant's principal as readers holds it ('*', 'u:<id>', 'g:<id>'), byte order. */
const PRINCIPAL = (g: string) =>
  `(CASE WHEN ${g}.principal_type = 'user' AND ${g}.principal_id = '*' THEN '*'
         ELSE left(${g}.principal_type, 1) || ':' || ${g}.principal_id END) COLLATE "C"`;

/** Models and grants whose kept columns differ from what access_grants say (none when right). */
const STALE = `
  SELECT 'model ' || m.id AS stale FROM models m
   WHERE m.id LIKE 'sql/%'
     AND (m.readers, m.writers, m.is_public) IS DISTINCT FROM (
           ARRAY(SELECT ${PRINCIPAL('g')} FROM access_grants g WHERE g.model_id = m.id ORDER BY 1),
           ARRAY(SELECT ${PRINCIPAL('g')} FROM access_grants g WHERE g.model_id = m.id AND g.permission = 'write' ORDER BY 1),
           EXISTS (SELECT 1 FROM access_grants g WHERE g.model_id = m.id AND g.principal_type = 'user' AND g.principal_id = '*'))
  UNION ALL
  SELECT 'grant ' || g.model_id || ' ' || g.principal_type || ':' || g.principal_id FROM access_grants g
    JOIN models m ON m.id = g.model_id
   WHERE g.private_custom IS DISTINCT FROM (m.base_model_id IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM access_grants p WHERE p.model_id = g.model_id AND p.principal_type = 'user' AND p.principal_id = '*'))
      OR g.groups_before IS DISTINCT FROM ARRAY(
           SELECT o.principal_id::uuid FROM access_grants o
            WHERE o.model_id = g.model_id AND o.principal_type = 'group' AND ${PRINCIPAL('o')} < ${PRINCIPAL('g')}
            ORDER BY ${PRINCIPAL('o')})`;

type Principal = [type: 'user' | 'group', id: string];
type Statement =
  | { kind: 'insert'; rows: Array<{ model: number; principal: number; write: boolean }> }
  | { kind: 'delete'; model: number; principals: number[] }
  | { kind: 'permission'; model: number; write: boolean }
  | { kind: 'principal'; model: number; from: number; to: number }
  | { kind: 'move'; from: number; to: number };

const model = fc.nat({ max: MODELS.length - 1 });
const principal = fc.nat({ max: 8 });
const statement: fc.Arbitrary<Statement> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    rows: fc.array(fc.record({ model, principal, write: fc.boolean() }), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), model, principals: fc.array(principal, { maxLength: 4 }) }),
  fc.record({ kind: fc.constant('permission' as const), model, write: fc.boolean() }),
  fc.record({ kind: fc.constant('principal' as const), model, from: principal, to: principal }),
  fc.record({ kind: fc.constant('move' as const), from: model, to: model }),
);

function principals(): Principal[] {
  return [
    ['user', '*'],
    ...world.people.map((p): Principal => ['user', p.id]),
    ...world.groupIds.map((id): Principal => ['group', id]),
  ];
}

/** One plain SQL statement on access_grants (a conflict or a duplicate key is simply not written). */
async function run(s: Statement): Promise<void> {
  const all = principals();
  const p = (i: number) => all[i % all.length];
  switch (s.kind) {
    case 'insert': {
      const rows = s.rows.map((r) => [MODELS[r.model], ...p(r.principal), r.write ? 'write' : 'read']);
      await t.dataSource.query(
        `INSERT INTO access_grants (model_id, principal_type, principal_id, permission)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
        [0, 1, 2, 3].map((c) => rows.map((r) => r[c])),
      );
      return;
    }
    case 'delete':
      await t.dataSource.query(
        `DELETE FROM access_grants WHERE model_id = $1 AND (cardinality($2::text[]) = 0 OR principal_type || ':' || principal_id = ANY($2))`,
        [MODELS[s.model], s.principals.map((i) => p(i).join(':'))],
      );
      return;
    case 'permission':
      await t.dataSource.query(`UPDATE access_grants SET permission = $2 WHERE model_id = $1`, [
        MODELS[s.model],
        s.write ? 'write' : 'read',
      ]);
      return;
    case 'principal':
      await t.dataSource.query(
        `UPDATE access_grants SET principal_type = $4, principal_id = $5
          WHERE model_id = $1 AND principal_type = $2 AND principal_id = $3
            AND NOT EXISTS (SELECT 1 FROM access_grants WHERE model_id = $1 AND principal_type = $4 AND principal_id = $5)`,
        [MODELS[s.model], ...p(s.from), ...p(s.to)],
      );
      return;
    case 'move':
      await t.dataSource.query(
        `UPDATE access_grants g SET model_id = $2 WHERE model_id = $1
            AND NOT EXISTS (SELECT 1 FROM access_grants o WHERE o.model_id = $2
                              AND (o.principal_type, o.principal_id) = (g.principal_type, g.principal_id))`,
        [MODELS[s.from], MODELS[s.to]],
      );
  }
}

it('keeps readers, writers, is_public, private_custom and groups_before right after plain SQL on grants', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(statement, { minLength: 1, maxLength: 12 }), async (statements) => {
      await t.dataSource.query(`DELETE FROM access_grants WHERE model_id LIKE 'sql/%'`);
      for (const s of statements) {
        await run(s);
        expect({ after: s, stale: await t.dataSource.query(STALE) }).toEqual({ after: s, stale: [] });
        const [seen] = await t.dataSource.query<Array<{ before: number; public: number }>>(REACHED);
        reached.groupsBefore += seen.before;
        reached.public += seen.public;
      }
    }),
    { numRuns: 60, endOnFailure: true },
  );
  // The sequences reached grants with groups before them and public models, not only easy cases.
  expect(reached.groupsBefore).toBeGreaterThan(0);
  expect(reached.public).toBeGreaterThan(0);
});

const reached = { groupsBefore: 0, public: 0 };
const REACHED = `SELECT (SELECT count(*)::int FROM access_grants WHERE model_id LIKE 'sql/%' AND groups_before <> '{}') AS before,
                        (SELECT count(*)::int FROM models WHERE id LIKE 'sql/%' AND is_public) AS public`;
