import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Caller } from '../access/caller';
import { actorOf, recordAudit } from '../audit/audit';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { escapeLike, execute, sql } from '../common/sql';
import { nowSeconds } from '../common/time';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import { conflictOnUnique } from '../common/unique-violation';
import type { UserRole } from '../common/user-role';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { normaliseEmail } from './dto/user-fields';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user-requests.dto';
import { UserListResponseDto, UserResponseDto } from './dto/user-response.dto';
import { PasswordHasher } from './password-hasher';
import { UserEntity } from './user.entity';
import { userSearchText } from './user-search';

export const USERS_PAGE_SIZE = 30;

/** Serialises sign-ups and admin-count checks, so "first account" and "last admin" hold under races. */
const ACCOUNTS_LOCK = 734_200_001;

const UNIQUE_MESSAGES = {
  users_email_key: 'email already in use',
  users_username_key: 'username already in use',
};

export interface NewAccount {
  name: string;
  email: string;
  password: string;
  username?: string | null;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly dataSource: DataSource,
    private readonly passwords: PasswordHasher,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async list(query: ListUsersQueryDto): Promise<UserListResponseDto> {
    const page = Math.max(1, query.page ?? 1);
    const builder = this.users
      .createQueryBuilder('u')
      .orderBy('u.createdAt', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .offset((page - 1) * USERS_PAGE_SIZE)
      .limit(USERS_PAGE_SIZE);
    if (query.query) {
      // `search` holds the lower-cased name, email and username (see userSearchText).
      builder.where(`u.search LIKE :pattern ESCAPE '\\'`, { pattern: `%${escapeLike(query.query.toLowerCase())}%` });
    }
    const [users, total] = await builder.getManyAndCount();
    return { items: users.map((user) => UserResponseDto.from(user)), total };
  }

  async get(id: string): Promise<UserResponseDto> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new NotFoundException(`user ${id} not found`);
    return UserResponseDto.from(user);
  }

  /** The account and its hash for sign-in, or null when no account has this email. */
  async findCredentials(email: string): Promise<{ user: UserEntity; passwordHash: string } | null> {
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email: normaliseEmail(email) })
      .getOne();
    return user ? { user, passwordHash: user.passwordHash } : null;
  }

  /** Admin-created account; the role defaults to DEFAULT_USER_ROLE like a sign-up. */
  async create(dto: CreateUserDto): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.insert(this.users.manager, dto, dto.role ?? this.config.defaultUserRole));
  }

  /** Public sign-up: the first account ever is admin, later ones get DEFAULT_USER_ROLE. */
  async signUp(account: NewAccount): Promise<UserEntity> {
    const passwordHash = await this.passwords.hash(account.password);
    return this.dataSource.transaction(async (manager) => {
      await execute(manager, sql`SELECT pg_advisory_xact_lock(${ACCOUNTS_LOCK})`);
      const anyone = await manager.getRepository(UserEntity).exists();
      return this.insert(manager, account, anyone ? this.config.defaultUserRole : 'admin', passwordHash);
    });
  }

  /** Creates the admin from ADMIN_EMAIL/ADMIN_PASSWORD unless an account already has that email. */
  async ensureAdmin(account: NewAccount): Promise<UserEntity | null> {
    const passwordHash = await this.passwords.hash(account.password);
    return this.dataSource.transaction(async (manager) => {
      await execute(manager, sql`SELECT pg_advisory_xact_lock(${ACCOUNTS_LOCK})`);
      const taken = await manager.getRepository(UserEntity).existsBy({ email: normaliseEmail(account.email) });
      return taken ? null : this.insert(manager, account, 'admin', passwordHash);
    });
  }

  /** A role change is audited (`user.role`) in the same transaction. */
  async update(id: string, dto: UpdateUserDto, caller: Caller): Promise<UserResponseDto> {
    const passwordHash = dto.password === undefined ? undefined : await this.passwords.hash(dto.password);
    const user = await this.dataSource.transaction(async (manager) => {
      const user = await this.lockForChange(manager, id, dto.role !== undefined && dto.role !== 'admin');
      const next = {
        name: dto.name ?? user.name,
        email: dto.email === undefined ? user.email : normaliseEmail(dto.email),
        username: dto.username === undefined ? user.username : dto.username,
        role: dto.role ?? user.role,
        updatedAt: nowSeconds(),
      };
      const changes: Partial<UserEntity> = { ...next, search: userSearchText(next) };
      if (passwordHash) changes.passwordHash = passwordHash;
      try {
        await manager.getRepository(UserEntity).update(id, changes);
      } catch (error) {
        throw conflictOnUnique(error, UNIQUE_MESSAGES);
      }
      if (next.role !== user.role) {
        const change = { before: { role: user.role }, after: { role: next.role } };
        await recordAudit(manager, {
          actor: actorOf(caller),
          action: 'user.role',
          targetType: 'user',
          targetId: id,
          ...change,
        });
      }
      return Object.assign(user, next);
    });
    return UserResponseDto.from(user);
  }

  /** Deletes the account and its grants; its models stay, owned by nobody (FK sets user_id NULL). */
  async remove(id: string, caller: Caller): Promise<DeletedResponseDto> {
    await this.dataSource.transaction(async (manager) => {
      const user = await this.lockForChange(manager, id, true);
      // Its grants and memberships go with it: the record keeps who it was.
      const before = { name: user.name, email: user.email, role: user.role };
      await recordAudit(manager, {
        actor: actorOf(caller),
        action: 'user.delete',
        targetType: 'user',
        targetId: id,
        before,
        after: null,
      });
      await execute(manager, sql`DELETE FROM access_grants WHERE principal_type = 'user' AND principal_id = ${id}`);
      await manager.delete(UserEntity, { id });
    });
    return DeletedResponseDto.of(id);
  }

  /**
   * Loads the user inside the accounts lock; when the change removes an admin (demotion or
   * deletion), refuses it if this is the last admin, so the registry always keeps one.
   */
  private async lockForChange(manager: EntityManager, id: string, removesAdmin: boolean): Promise<UserEntity> {
    await execute(manager, sql`SELECT pg_advisory_xact_lock(${ACCOUNTS_LOCK})`);
    const repository = manager.getRepository(UserEntity);
    const user = await repository.findOneBy({ id });
    if (!user) throw new NotFoundException(`user ${id} not found`);
    if (removesAdmin && user.role === 'admin' && (await repository.countBy({ role: 'admin' })) === 1) {
      throw new ConflictException('the last admin cannot be deleted or demoted; make another user admin first');
    }
    return user;
  }

  private async insert(
    manager: EntityManager,
    account: NewAccount,
    role: UserRole,
    passwordHash?: string,
  ): Promise<UserEntity> {
    const now = nowSeconds();
    const user = manager.getRepository(UserEntity).create({
      name: account.name,
      email: normaliseEmail(account.email),
      username: account.username ?? null,
      role,
      passwordHash: passwordHash ?? (await this.passwords.hash(account.password)),
      createdAt: now,
      updatedAt: now,
    });
    user.search = userSearchText(user);
    try {
      await manager.getRepository(UserEntity).insert(user);
    } catch (error) {
      throw conflictOnUnique(error, UNIQUE_MESSAGES);
    }
    return user;
  }
}
