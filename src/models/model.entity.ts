import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ENDPOINT_TYPES = ['chat', 'completion', 'embedding', 'image', 'audio', 'rerank'] as const;
export type EndpointType = (typeof ENDPOINT_TYPES)[number];

export interface ModelPricing {
  input_per_million: number | null;
  output_per_million: number | null;
  per_request: number | null;
  currency: string;
}

/**
 * A base model (baseModelId null) or a custom model built on one. For custom models a null
 * ownedBy, supportedEndpointTypes or pricing means "inherit from the base model" at read time.
 */
@Entity('models')
export class ModelEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('uuid', { name: 'user_id', nullable: true })
  userId!: string | null;

  @Column('text', { name: 'base_model_id', nullable: true })
  baseModelId!: string | null;

  @Column('text')
  name!: string;

  @Column('jsonb')
  params!: Record<string, unknown>;

  @Column('jsonb')
  meta!: Record<string, unknown>;

  @Column('boolean', { name: 'is_active' })
  isActive!: boolean;

  @Column('text', { name: 'owned_by', nullable: true })
  ownedBy!: string | null;

  @Column('text', { name: 'supported_endpoint_types', array: true, nullable: true })
  supportedEndpointTypes!: EndpointType[] | null;

  @Column('jsonb', { nullable: true })
  pricing!: ModelPricing | null;

  @Column('integer', { name: 'context_length', nullable: true })
  contextLength!: number | null;

  @Column('integer', { name: 'max_output_tokens', nullable: true })
  maxOutputTokens!: number | null;

  /** Lower-cased tag names from meta.tags, for the GIN-indexed tag filter. */
  @Column('text', { array: true })
  tags!: string[];

  /** Lower-cased id, name, base model id and description, for the trigram-indexed search. */
  @Column('text', { select: false })
  search!: string;

  /** Lower-cased name, compared byte-wise (COLLATE "C") for order_by=name. */
  @Column('text', { name: 'name_sort' })
  nameSort!: string;

  /** True while the model has a `user:*` grant; kept with the grant set, for the list's fast path. */
  @Column('boolean', { name: 'is_public' })
  isPublic!: boolean;

  @Column('bigint', { name: 'created_at' })
  createdAt!: number;

  @Column('bigint', { name: 'updated_at' })
  updatedAt!: number;

  /** 1 at creation, +1 on every change (src/models/history/model-history.ts bumps it). */
  @Column('integer', { default: 1 })
  version!: number;
}
