import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class GeminiModelDto {
  @ApiProperty({ example: 'models/gemini-2.0-flash', description: 'models/<id>' })
  name!: string;

  @ApiProperty({ description: 'The base model id; its own id for a base model' })
  baseModelId!: string;

  @ApiProperty({ description: 'Changes whenever the model is edited' })
  version!: string;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ description: '"" when the model has none' })
  description!: string;

  @ApiProperty({ type: Number, nullable: true })
  inputTokenLimit!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  outputTokenLimit!: number | null;

  @ApiProperty({ type: [String], example: ['generateContent', 'streamGenerateContent', 'countTokens'] })
  supportedGenerationMethods!: string[];
}

export class GeminiModelListDto {
  @ApiProperty({ type: [GeminiModelDto], description: 'In id order' })
  models!: GeminiModelDto[];

  @ApiPropertyOptional({ description: 'Left out on the last page' })
  nextPageToken?: string;
}

export class GeminiErrorDetailDto {
  @ApiProperty({ example: 404, description: 'The HTTP status again' })
  code!: number;

  @ApiProperty()
  message!: string;

  @ApiProperty({ example: 'NOT_FOUND' })
  status!: string;
}

export class GeminiErrorDto {
  @ApiProperty({ type: GeminiErrorDetailDto })
  error!: GeminiErrorDetailDto;
}
