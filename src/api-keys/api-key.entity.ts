import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  @Column('text')
  name!: string;

  /** Hex SHA-256 of the secret; the secret itself is never stored. */
  @Column('text', { name: 'key_hash', select: false })
  keyHash!: string;

  /** First characters of the secret, e.g. "sk-3f9a", to tell keys apart in lists. */
  @Column('text', { name: 'key_prefix' })
  keyPrefix!: string;

  /** The key's token group. No foreign key: a deleted group must not widen the key. */
  @Column('uuid', { name: 'group_id', nullable: true })
  groupId!: string | null;

  @Column('text', { array: true, nullable: true })
  models!: string[] | null;

  /** No writes with this key; always true with a token group or an allow-list (a CHECK holds it). */
  @Column('boolean', { name: 'read_only' })
  readOnly!: boolean;

  @Column('bigint', { name: 'expires_at', nullable: true })
  expiresAt!: number | null;

  @Column('bigint', { name: 'last_used_at', nullable: true })
  lastUsedAt!: number | null;

  @Column('bigint', { name: 'created_at' })
  createdAt!: number;
}
