import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { ToInteger } from '../common/query-number';
import { AUDIT_TARGETS, type AuditTarget } from './audit';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Only records about this model id, user, group or key id' })
  @IsOptional()
  @Length(1, 256)
  @IsString()
  target_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only records of changes made by this user' })
  @IsOptional()
  @IsUUID('all', { message: 'actor_id must be a user id (a UUID)' })
  actor_id?: string;

  @ApiPropertyOptional({ description: 'Only records at or after this time (unix seconds)' })
  @IsOptional()
  @ToInteger()
  @Min(0)
  @Max(100_000_000_000)
  @IsInt()
  since?: number;

  @ApiPropertyOptional({ description: '1-based; 30 records a page, newest first; values below 1 count as 1' })
  @IsOptional()
  @ToInteger()
  @Max(1_000_000_000)
  @IsInt()
  page?: number;
}

export class AuditActorDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The name the user had when acting (copied)' })
  name!: string;
}

const STATE = {
  type: 'object',
  additionalProperties: true,
  nullable: true,
} as const;

export class AuditRecordDto {
  @ApiProperty({ description: 'Increasing: a later record has a larger id' })
  id!: number;

  @ApiProperty({ description: 'unix seconds' })
  at!: number;

  @ApiProperty({ type: AuditActorDto, nullable: true, description: 'null: the system' })
  actor!: AuditActorDto | null;

  @ApiProperty({ enum: ['token', 'key', 'system'] })
  via!: 'token' | 'key' | 'system';

  @ApiProperty({ example: 'model.update', description: '<target_type>.<what>: see docs/audit.md' })
  action!: string;

  @ApiProperty({ enum: AUDIT_TARGETS })
  target_type!: AuditTarget;

  @ApiProperty()
  target_id!: string;

  @ApiProperty({
    ...STATE,
    description: 'What the change replaced (models: the fields that changed); null on creation',
  })
  before!: Record<string, unknown> | null;

  @ApiProperty({ ...STATE, description: 'What the change made (models: the fields that changed); null on deletion' })
  after!: Record<string, unknown> | null;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditRecordDto], description: '30 a page, newest first' })
  items!: AuditRecordDto[];

  @ApiProperty({ description: 'Matching records across all pages' })
  total!: number;
}
