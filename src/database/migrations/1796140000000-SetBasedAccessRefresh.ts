import { MigrationInterface, QueryRunner } from 'typeorm';
import { refreshModelAccess } from './1796044466221-ModelReaders';
import { GROUP_PRINCIPAL, GROUPS_BEFORE } from './1796094912377-GroupsBefore';

/**
 * `refresh_model_access(ids)`, the grants' guarantee (migration ModelReaders), computed set-wise
 * (bench/results/designs.md, "Import: the grants' refresh set-wise"): the models' readers and
 * writers by one aggregate over the touched models' grants instead of two subqueries a model, and
 * each grant's groups_before by one window over its model's grants (the groups among the principals
 * before it, byte order) instead of unnesting and matching the model's readers once a grant. Same
 * values, and still only rows whose stored value differs are written, so a refresh after the
 * import, which writes every model and grant as the refresh would, finds nothing and writes
 * nothing: on 500 imported models it takes about half the CPU.
 */
export class SetBasedAccessRefresh1796140000000 implements MigrationInterface {
  name = 'SetBasedAccessRefresh1796140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(SET_BASED_REFRESH);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(refreshModelAccess(GROUPS_BEFORE).replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
  }
}

/** A grant's principal as `readers` holds it, ordered byte-wise as readers are. */
const PRINCIPAL = `model_principal(g.principal_type, g.principal_id) COLLATE "C"`;

const SET_BASED_REFRESH = `
CREATE OR REPLACE FUNCTION refresh_model_access(ids text[]) RETURNS void LANGUAGE sql AS $$
  UPDATE models m SET readers = a.readers, writers = a.writers, is_public = '*' = ANY(a.readers)
    FROM (SELECT i.id,
                 COALESCE(array_agg(${PRINCIPAL} ORDER BY ${PRINCIPAL}) FILTER (WHERE g.model_id IS NOT NULL), '{}') AS readers,
                 COALESCE(array_agg(${PRINCIPAL} ORDER BY ${PRINCIPAL}) FILTER (WHERE g.permission = 'write'), '{}') AS writers
            FROM (SELECT DISTINCT unnest(ids) AS id) i LEFT JOIN access_grants g ON g.model_id = i.id
           GROUP BY i.id) a
   WHERE m.id = a.id
     AND (m.readers, m.writers, m.is_public) IS DISTINCT FROM (a.readers, a.writers, '*' = ANY(a.readers));
  UPDATE access_grants g SET private_custom = x.private_custom, groups_before = x.groups_before
    FROM (SELECT w.model_id, w.principal_type, w.principal_id,
                 NOT m.is_public AND m.base_model_id IS NOT NULL AS private_custom,
                 COALESCE(w.groups_before, '{}') AS groups_before
            FROM (SELECT g.model_id, g.principal_type, g.principal_id,
                         array_agg(substr(p.principal, 3)::uuid) FILTER (WHERE p.principal ~ ${GROUP_PRINCIPAL})
                           OVER (PARTITION BY g.model_id ORDER BY p.principal
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS groups_before
                    FROM (SELECT DISTINCT unnest(ids) AS id) i
                    JOIN access_grants g ON g.model_id = i.id
                    CROSS JOIN LATERAL (SELECT ${PRINCIPAL} AS principal) p) w
            JOIN models m ON m.id = w.model_id) x
   WHERE (g.model_id, g.principal_type, g.principal_id) = (x.model_id, x.principal_type, x.principal_id)
     AND (g.private_custom, g.groups_before) IS DISTINCT FROM (x.private_custom, x.groups_before);
$$`;
