import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, Length } from 'class-validator';
import type { ExplainRule } from '../access-explain.service';

export const EXPLAIN_RULES: readonly ExplainRule[] = [
  'admin',
  'owner',
  'public',
  'user_grant',
  'group_grant',
  'key_narrowing',
  'key_read_only',
];

export class ExplainAccessQueryDto {
  @ApiProperty({ description: 'The model id (may contain /)' })
  @IsDefined({ message: 'id is required: send the model id in the query, ?id=<model id>' })
  @IsString()
  @Length(1, 256)
  id!: string;

  @ApiPropertyOptional({ description: 'The user asked about; the caller itself when left out' })
  @IsOptional()
  @Length(1, 64)
  @IsString()
  user_id?: string;

  @ApiPropertyOptional({ description: "One of that user's API keys: explain its narrowing and read-only rule too" })
  @IsOptional()
  @Length(1, 64)
  @IsString()
  key_id?: string;
}

export class ExplainGroupDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;
}

export class ExplainReasonDto {
  @ApiProperty({ enum: EXPLAIN_RULES })
  rule!: ExplainRule;

  @ApiProperty({
    enum: ['read', 'write', 'none'],
    description: 'What the rule grants; for key rules the most the key allows on this model',
  })
  permission!: 'read' | 'write' | 'none';

  @ApiPropertyOptional({ type: ExplainGroupDto, description: 'The group, for group_grant' })
  group?: ExplainGroupDto;
}

export class AccessExplanationDto {
  @ApiProperty()
  can_read!: boolean;

  @ApiProperty()
  can_write!: boolean;

  @ApiProperty({ type: [ExplainReasonDto] })
  because!: ExplainReasonDto[];

  @ApiPropertyOptional({
    description: 'Why the user or key can use nothing at all, whatever the rules grant (pending account, expired key)',
  })
  refused?: string;
}
