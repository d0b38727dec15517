import { ValidationPipe } from '@nestjs/common';
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

/** The global pipe: whitelisted DTOs, one message per field, "is required" for absent fields. */
export class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: true });
  }

  protected override flattenValidationErrors(errors: ValidationError[]): string[] {
    return super.flattenValidationErrors(markMissingFields(errors));
  }
}
