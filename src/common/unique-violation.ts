import { ConflictException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

/** PostgreSQL's SQLSTATE for a unique-index violation. */
const UNIQUE_VIOLATION = '23505';

export const UNIQUE_VIOLATION_MESSAGE = 'A record with this key already exists';

/** The unique constraint the error violated (its name), or null when it is no unique violation. */
export function violatedUniqueConstraint(error: unknown): string | null {
  if (!(error instanceof QueryFailedError)) return null;
  const driver = error.driverError as { code?: string; constraint?: string };
  return driver.code === UNIQUE_VIOLATION ? (driver.constraint ?? '') : null;
}

export function isUniqueViolation(error: unknown): boolean {
  return violatedUniqueConstraint(error) !== null;
}

/**
 * Turns a unique-index violation into a 409 whose message names the taken field; the index, not
 * a prior SELECT, decides, so two concurrent requests cannot both win. Other errors pass through.
 */
export function conflictOnUnique(error: unknown, messages: Record<string, string>): unknown {
  const constraint = violatedUniqueConstraint(error);
  if (constraint === null) return error;
  return new ConflictException(messages[constraint] ?? UNIQUE_VIOLATION_MESSAGE);
}
