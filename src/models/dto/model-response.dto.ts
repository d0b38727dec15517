import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import { AccessGrantDto } from '../../access/dto/access-grant.dto';
import { USER_ROLES, type UserRole } from '../../common/user-role';
import { ENDPOINT_TYPES, EndpointType } from '../model.entity';

/**
 * What the model routes answer, for the OpenAPI document and the handlers' return types. The
 * classes mirror ModelResponse (model-response.ts) field for field; test/openapi-responses.spec.ts
 * compares them with real answers, so the document cannot drift from the code.
 */
export class ModelOwnerDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty({ type: String, nullable: true })
  username!: string | null;

  @ApiProperty({ enum: USER_ROLES })
  role!: UserRole;
}

export class ModelPricingDto {
  @ApiProperty({ type: Number, nullable: true, minimum: 0 })
  input_per_million!: number | null;

  @ApiProperty({ type: Number, nullable: true, minimum: 0 })
  output_per_million!: number | null;

  @ApiProperty({ type: Number, nullable: true, minimum: 0 })
  per_request!: number | null;

  @ApiProperty({ example: 'USD', description: 'ISO 4217 code, upper-case' })
  currency!: string;
}

/** meta is free-form; these are the keys the registry knows and checks. */
const META_SCHEMA: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: true,
  description:
    'Free-form (≤ 256 KiB as JSON). In lists a data: profile image is replaced by the URL of ' +
    'GET /api/models/model/profile/image. Gateway lists do not read it beyond description.',
  properties: {
    description: { type: 'string', nullable: true },
    profile_image_url: { type: 'string', nullable: true, description: 'http(s) URL, data:image/… URI, or its link' },
    capabilities: { type: 'object', additionalProperties: true },
    tags: {
      type: 'array',
      items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      description: 'Stored lower-cased, once each',
    },
    hidden: { type: 'boolean' },
  },
};

export class ModelResponseDto {
  @ApiProperty({ description: 'The API model id; may contain /', example: 'acme/coder' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'The owner; null once deleted' })
  user_id!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'null: a base model' })
  base_model_id!: string | null;

  @ApiProperty()
  name!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'System prompt, temperature, …; {} for readers without write access',
  })
  params!: Record<string, unknown>;

  @ApiProperty(META_SCHEMA)
  meta!: Record<string, unknown>;

  @ApiProperty({ type: [AccessGrantDto], description: '[] for readers without write access' })
  access_grants!: AccessGrantDto[];

  @ApiProperty()
  is_active!: boolean;

  @ApiProperty({ description: 'Whether the caller may change this model' })
  write_access!: boolean;

  @ApiProperty({ type: ModelOwnerDto, nullable: true, description: 'null once the owner is deleted' })
  user!: ModelOwnerDto | null;

  @ApiProperty({ description: 'unix seconds' })
  created_at!: number;

  @ApiProperty({ description: 'unix seconds' })
  updated_at!: number;

  @ApiProperty({
    minimum: 1,
    description: '1 at creation, +1 on every change; send it back to update, access update, toggle',
  })
  version!: number;

  @ApiProperty({ type: String, nullable: true, description: "Custom models: the base model's unless set" })
  owned_by!: string | null;

  @ApiProperty({
    enum: ENDPOINT_TYPES,
    isArray: true,
    nullable: true,
    description: "Custom models: the base model's unless set (null only in exports, where it is inherited)",
  })
  supported_endpoint_types!: EndpointType[] | null;

  @ApiProperty({ type: ModelPricingDto, nullable: true, description: "Custom models: the base model's unless set" })
  pricing!: ModelPricingDto | null;

  @ApiProperty({ type: Number, nullable: true, description: "Tokens; custom models: the base model's unless set" })
  context_length!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: "Tokens; custom models: the base model's unless set" })
  max_output_tokens!: number | null;
}

/** Create's answer: the model, and what was left out of it (a public grant a non-admin asked for). */
export class ModelCreatedResponseDto extends ModelResponseDto {
  @ApiPropertyOptional({ type: [String], description: 'Present when something asked for was left out' })
  warnings?: string[];
}

export class ModelListResponseDto {
  @ApiProperty({ type: [ModelResponseDto], description: '30 a page' })
  items!: ModelResponseDto[];

  @ApiProperty({ description: 'Matches across all pages' })
  total!: number;
}

export class ImportResultDto {
  @ApiProperty({ description: 'The id the item carried ("" when it had none)' })
  id!: string;

  @ApiProperty({ enum: ['created', 'updated', 'skipped'] })
  status!: 'created' | 'updated' | 'skipped';

  @ApiPropertyOptional({ description: 'Why the item was skipped' })
  reason?: string;

  @ApiPropertyOptional({ type: [String], description: 'What was left out of a model still imported' })
  warnings?: string[];
}

export class ImportResponseDto {
  @ApiProperty({ type: [ImportResultDto], description: 'One per model sent, in order' })
  results!: ImportResultDto[];
}
