import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { UserRole } from '../common/user-role';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  /** Stored lower-cased, so uniqueness and sign-in are case-insensitive. */
  @Column('text')
  email!: string;

  @Column('text', { nullable: true })
  username!: string | null;

  @Column('text')
  role!: UserRole;

  @Column('text', { name: 'password_hash', select: false })
  passwordHash!: string;

  /** Lower-cased name, email and username for the model list's owner search. */
  @Column('text', { select: false })
  search!: string;

  @Column('bigint', { name: 'created_at' })
  createdAt!: number;

  @Column('bigint', { name: 'updated_at' })
  updatedAt!: number;
}
