import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ModelPricingDto } from '../../models/dto/model-response.dto';
import { ENDPOINT_TYPES, EndpointType } from '../../models/model.entity';

/** OpenAI's model_permission entry, with the fixed answers OpenAI-compatible gateways give. */
export class OpenAiPermissionDto {
  @ApiProperty({ example: 'modelperm-0123456789abcdef01234567', description: 'Derived from the model id' })
  id!: string;

  @ApiProperty({ enum: ['model_permission'] })
  object!: 'model_permission';

  @ApiProperty({ description: 'unix seconds' })
  created!: number;

  @ApiProperty({ enum: [false] })
  allow_create_engine!: boolean;

  @ApiProperty({ enum: [true] })
  allow_sampling!: boolean;

  @ApiProperty({ enum: [true] })
  allow_logprobs!: boolean;

  @ApiProperty({ enum: [false] })
  allow_search_indices!: boolean;

  @ApiProperty({ enum: [true] })
  allow_view!: boolean;

  @ApiProperty({ enum: [false] })
  allow_fine_tuning!: boolean;

  @ApiProperty({ enum: ['*'] })
  organization!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Always null' })
  group!: null;

  @ApiProperty({ enum: [false] })
  is_blocking!: boolean;
}

export class OpenAiModelDto {
  @ApiProperty({ example: 'openai/gpt-4o' })
  id!: string;

  @ApiProperty({ enum: ['model'] })
  object!: 'model';

  @ApiProperty({ example: 'GPT-4o', description: 'The display name' })
  name!: string;

  @ApiProperty({ description: "The model's creation time, unix seconds" })
  created!: number;

  @ApiProperty({ type: String, nullable: true })
  owned_by!: string | null;

  @ApiProperty({ enum: ENDPOINT_TYPES, isArray: true })
  supported_endpoint_types!: EndpointType[];

  @ApiProperty({ description: 'The base model id; its own id for a base model' })
  root!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Always null' })
  parent!: null;

  @ApiProperty({ type: [OpenAiPermissionDto] })
  permission!: OpenAiPermissionDto[];

  @ApiPropertyOptional({ type: ModelPricingDto, description: 'Left out when the model has no pricing' })
  pricing?: ModelPricingDto;

  @ApiPropertyOptional({ description: 'Tokens; left out when unknown' })
  context_length?: number;
}

export class OpenAiModelListDto {
  @ApiProperty({ enum: ['list'] })
  object!: 'list';

  @ApiProperty({ enum: [true] })
  success!: boolean;

  @ApiProperty({ type: [OpenAiModelDto], description: 'Sorted by id' })
  data!: OpenAiModelDto[];
}

export class OpenAiErrorDetailDto {
  @ApiProperty()
  message!: string;

  @ApiProperty({ example: 'invalid_request_error' })
  type!: string;

  @ApiProperty({ example: 'model_not_found' })
  code!: string;
}

export class OpenAiErrorDto {
  @ApiProperty({ enum: [false] })
  success!: boolean;

  @ApiProperty()
  message!: string;

  @ApiProperty({ type: OpenAiErrorDetailDto })
  error!: OpenAiErrorDetailDto;
}
