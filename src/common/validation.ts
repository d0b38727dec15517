import { ValidationPipe, type ArgumentMetadata, type Type } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/**
 * A field left out fails its first rule ("name must be a string"), which reads as if a value was
 * sent. Errors on an absent value become "<field> is required" instead; an explicit IsDefined
 * message (one naming where the field goes, say) is kept. Optional fields never get here: their
 * rules are skipped when the value is absent.
 */
export function markMissingFields(errors: ValidationError[]): ValidationError[] {
  return errors.map((error) => {
    const children = error.children?.length ? markMissingFields(error.children) : error.children;
    if (error.value !== undefined || !error.constraints) return { ...error, children };
    const message = error.constraints.isDefined ?? `${error.property} is required`;
    return { ...error, children, constraints: { isDefined: message } };
  });
}

/**
 * A DTO's fast path: the value the pipe would answer for a query it is sure about, else undefined
 * (the pipe then runs). It must never accept what the pipe refuses nor answer another value.
 */
export type ValidationShortcut = (value: unknown) => object | undefined;

/**
 * The global pipe: whitelisted DTOs, one message per field, "is required" for absent fields.
 * `shortcuts` are fast paths for query DTOs read on every request (the list's).
 */
export class RequestValidationPipe extends ValidationPipe {
  constructor(private readonly shortcuts: ReadonlyMap<Type<unknown>, ValidationShortcut> = new Map()) {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: true });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const shortcut = metadata.type === 'query' && metadata.metatype ? this.shortcuts.get(metadata.metatype) : undefined;
    const quick = shortcut?.(value);
    return quick !== undefined ? Promise.resolve(quick) : (super.transform(value, metadata) as Promise<unknown>);
  }

  protected override flattenValidationErrors(errors: ValidationError[]): string[] {
    return super.flattenValidationErrors(markMissingFields(errors));
  }
}
