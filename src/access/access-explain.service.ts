import { ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../common/sql';
import { nowSeconds } from '../common/time';
import { isUuid } from '../common/uuid';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import {
  ApplicableGrantRow,
  applicableGrantsSql,
  ExplainedKeyRow,
  explainedKeySql,
  ExplainedModelRow,
  explainedModelSql,
  ExplainedUserRow,
  explainedUserSql,
} from './access-explain.sql';
import type { Permission } from './access-grant.entity';
import { hasKeyNarrowing } from './access-rules';
import type { Caller } from './caller';

export type ExplainRule =
  'admin' | 'owner' | 'public' | 'user_grant' | 'group_grant' | 'key_narrowing' | 'key_read_only';

/** One rule that bears on the answer: what it grants, or for the key rules the most the key allows. */
export interface ExplainReason {
  rule: ExplainRule;
  permission: Permission | 'none';
  group?: { id: string; name: string };
}

export interface AccessExplanation {
  can_read: boolean;
  can_write: boolean;
  because: ExplainReason[];
  /** Why the person or key can use nothing at all, whatever the rules grant (pending account, unusable key). */
  refused?: string;
}

export interface ExplainQuery {
  id: string;
  user_id?: string;
  key_id?: string;
}

/** The person (and key) asked about, as the access rule sees them, and why they might be refused outright. */
interface Subject {
  caller: Caller;
  refused?: string;
}

/** "Who can see this model and why" (docs/access.md, Explaining access). */
@Injectable()
export class AccessExplainService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  /** Every statement reads one snapshot, so the reasons and the verdict describe the same state. */
  explain(asker: Caller, query: ExplainQuery): Promise<AccessExplanation> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await this.assertMayAsk(manager, asker, query);
      const subject = await this.subject(manager, query.user_id ?? asker.userId, query.key_id);
      const [model] = await queryRows<ExplainedModelRow>(manager, explainedModelSql(subject.caller, query.id));
      const grants = await queryRows<ApplicableGrantRow>(manager, applicableGrantsSql(subject.caller, query.id));
      const because = reasons(subject.caller, model, grants);
      if (subject.refused !== undefined)
        return { can_read: false, can_write: false, because, refused: subject.refused };
      return { can_read: model.can_read, can_write: model.can_write, because };
    });
  }

  /**
   * 404 when the asker cannot read the model (as everywhere); then admins and the owner may ask
   * about anyone, and a writer about itself (403 otherwise, and always with a read-only key).
   */
  private async assertMayAsk(manager: EntityManager, asker: Caller, query: ExplainQuery): Promise<void> {
    const [view] = await queryRows<ExplainedModelRow>(manager, explainedModelSql(asker, query.id));
    if (!view?.can_read) throw new NotFoundException('Model not found');
    // Who else has access is for writers (readers get `access_grants: []`): a read-only key is a reader.
    if (asker.readOnly) {
      throw new ForbiddenException('This API key is read-only: explaining access needs a sign-in token or a full key');
    }
    const aboutItself = (query.user_id ?? asker.userId) === asker.userId;
    if (asker.isAdmin || view.is_owner || (aboutItself && view.can_write)) return;
    throw new ForbiddenException(
      "Only admins and the model's owner may explain another user's access; a writer may ask about itself",
    );
  }

  private async subject(manager: EntityManager, userId: string, keyId: string | undefined): Promise<Subject> {
    const [user] = isUuid(userId) ? await queryRows<ExplainedUserRow>(manager, explainedUserSql(userId)) : [];
    if (!user) throw new NotFoundException(`user_id: no user with id "${userId}"`);
    const isAdmin = user.role === 'admin';
    // Only the rule reads this caller: it records nothing, so its name stays empty.
    const caller: Caller = {
      userId: user.id,
      name: '',
      via: 'token',
      groupIds: user.group_ids,
      isAdmin,
      bypass: isAdmin && this.config.bypassAdminAccessControl,
      keyGroupId: null,
      keyModels: null,
      readOnly: false,
    };
    const refused = user.role === 'pending' ? 'the account is pending approval' : undefined;
    if (keyId === undefined) return { caller, refused };
    const [key] = isUuid(keyId) ? await queryRows<ExplainedKeyRow>(manager, explainedKeySql(keyId)) : [];
    // Another user's key is "not found" for this user, like a missing one.
    if (!key || key.user_id !== user.id) {
      throw new NotFoundException(`key_id: no API key with id "${keyId}" for user "${userId}"`);
    }
    const keyCaller: Caller = {
      ...caller,
      via: 'key',
      keyGroupId: key.group_id,
      keyModels: key.models,
      readOnly: key.read_only,
    };
    return { caller: keyCaller, refused: refused ?? keyRefusal(key, user) };
  }
}

/** The same refusals as the API-key sign-in (src/auth/api-key.strategy.ts). */
function keyRefusal(key: ExplainedKeyRow, user: ExplainedUserRow): string | undefined {
  if (key.expires_at !== null && key.expires_at <= nowSeconds()) return 'the API key has expired';
  if (key.group_id !== null && !user.group_ids.includes(key.group_id)) {
    return 'the group of the API key no longer includes its owner';
  }
  return undefined;
}

const GRANT_RULE = (grant: ApplicableGrantRow): ExplainRule => {
  if (grant.principal_type === 'group') return 'group_grant';
  return grant.principal_id === '*' ? 'public' : 'user_grant';
};

/** Every rule that grants the subject something on the model, then what its key takes away. */
function reasons(subject: Caller, model: ExplainedModelRow, grants: ApplicableGrantRow[]): ExplainReason[] {
  const because: ExplainReason[] = [];
  if (subject.bypass) because.push({ rule: 'admin', permission: 'write' });
  if (model.is_owner) because.push({ rule: 'owner', permission: 'write' });
  for (const grant of grants) {
    const reason: ExplainReason = { rule: GRANT_RULE(grant), permission: grant.permission };
    if (grant.principal_type === 'group') reason.group = { id: grant.principal_id, name: grant.group_name ?? '' };
    because.push(reason);
  }
  if (hasKeyNarrowing(subject)) {
    because.push({ rule: 'key_narrowing', permission: model.in_key_scope ? 'read' : 'none' });
  }
  if (subject.readOnly) because.push({ rule: 'key_read_only', permission: 'read' });
  return because;
}
