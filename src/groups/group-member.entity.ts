import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('group_members')
export class GroupMemberEntity {
  @PrimaryColumn('uuid', { name: 'group_id' })
  groupId!: string;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId!: string;

  @Column('bigint', { name: 'created_at' })
  createdAt!: number;
}
