import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AnthropicModelDto {
  @ApiProperty({ enum: ['model'] })
  type!: 'model';

  @ApiProperty({ example: 'claude-3-5-sonnet' })
  id!: string;

  @ApiProperty()
  display_name!: string;

  @ApiProperty({ format: 'date-time', example: '2025-02-19T00:00:00Z', description: 'RFC 3339, UTC' })
  created_at!: string;

  @ApiPropertyOptional({ description: 'The context length; left out when unknown' })
  max_input_tokens?: number;

  @ApiPropertyOptional({ description: 'The output limit; left out when unknown' })
  max_tokens?: number;
}

export class AnthropicModelListDto {
  @ApiProperty({ type: [AnthropicModelDto], description: 'Newest first' })
  data!: AnthropicModelDto[];

  @ApiProperty({ type: String, nullable: true, description: 'null on an empty page' })
  first_id!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'null on an empty page' })
  last_id!: string | null;

  @ApiProperty({ description: 'Whether the list goes on in the direction asked for' })
  has_more!: boolean;
}

export class AnthropicErrorDetailDto {
  @ApiProperty({ example: 'not_found_error' })
  type!: string;

  @ApiProperty()
  message!: string;
}

export class AnthropicErrorDto {
  @ApiProperty({ enum: ['error'] })
  type!: 'error';

  @ApiProperty({ type: AnthropicErrorDetailDto })
  error!: AnthropicErrorDetailDto;
}
