import { Column, Entity, PrimaryColumn } from 'typeorm';

export type PrincipalType = 'user' | 'group';
export type Permission = 'read' | 'write';

/** One row per (model, principal), holding the strongest permission given; write implies read. */
@Entity('access_grants')
export class AccessGrantEntity {
  @PrimaryColumn('text', { name: 'model_id' })
  modelId!: string;

  @PrimaryColumn('text', { name: 'principal_type' })
  principalType!: PrincipalType;

  /** A user id, a group id, or `*` (with type user) for every signed-in user. */
  @PrimaryColumn('text', { name: 'principal_id' })
  principalId!: string;

  @Column('text')
  permission!: Permission;
}
