import { ConflictException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

/**
 * Turns a unique-index violation into a 409 whose message names the taken field; the index, not
 * a prior SELECT, decides, so two concurrent requests cannot both win. Other errors pass through.
 */
export function conflictOnUnique(error: unknown, messages: Record<string, string>): unknown {
  if (!(error instanceof QueryFailedError)) return error;
  const driver = error.driverError as { code?: string; constraint?: string };
  if (driver.code !== '23505') return error;
  return new ConflictException(messages[driver.constraint ?? ''] ?? 'A record with this key already exists');
}
