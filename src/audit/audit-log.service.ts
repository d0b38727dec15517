import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hasKeyNarrowing, writablePredicate } from '../access/access-rules';
import type { Caller } from '../access/caller';
import { queryRows, Sql, sql } from '../common/sql';
import type { AuditPageDto, AuditQueryDto, AuditRecordDto } from './audit-log.dto';
import type { AuditTarget } from './audit';

const PAGE_SIZE = 30;

interface AuditRow {
  id: number;
  at: number;
  actor_id: string | null;
  actor_name: string | null;
  via: AuditRecordDto['via'];
  action: string;
  target_type: AuditTarget;
  target_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

function toRecord(row: AuditRow): AuditRecordDto {
  const { actor_id, actor_name, ...rest } = row;
  return { ...rest, actor: actor_id === null ? null : { id: actor_id, name: actor_name ?? '' } };
}

/**
 * Who may read which records (docs/audit.md): admins with a sign-in token or a full key all of
 * them; anyone else the records of models it can write now, by the access rule itself
 * (writablePredicate: nothing for a read-only or narrowed key).
 */
function visibleSql(caller: Caller): Sql {
  if (caller.isAdmin && !caller.readOnly && !hasKeyNarrowing(caller)) return sql`TRUE`;
  return sql`(a.target_type = 'model' AND EXISTS (
    SELECT 1 FROM models m WHERE m.id = a.target_id AND ${writablePredicate(caller)}))`;
}

@Injectable()
export class AuditLogService {
  constructor(private readonly dataSource: DataSource) {}

  async page(caller: Caller, query: AuditQueryDto): Promise<AuditPageDto> {
    const where = [visibleSql(caller)];
    if (query.target_id !== undefined) where.push(sql`a.target_id = ${query.target_id}`);
    if (query.actor_id !== undefined) where.push(sql`a.actor_id = ${query.actor_id.toLowerCase()}::uuid`);
    if (query.since !== undefined) where.push(sql`a.at >= ${query.since}`);
    const condition = sql.join(where, sql` AND `);
    const offset = (Math.max(1, query.page ?? 1) - 1) * PAGE_SIZE;
    const rows = await queryRows<AuditRow>(
      this.dataSource,
      sql`SELECT a.id, a.at, a.actor_id, a.actor_name, a.via, a.action, a.target_type, a.target_id, a.before, a.after
        FROM audit_log a WHERE ${condition} ORDER BY a.id DESC LIMIT ${sql.raw(PAGE_SIZE)} OFFSET ${offset}`,
    );
    const [{ total }] = await queryRows<{ total: number }>(
      this.dataSource,
      sql`SELECT count(*)::int AS total FROM audit_log a WHERE ${condition}`,
    );
    return { items: rows.map(toRecord), total };
  }
}
