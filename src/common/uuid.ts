import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

/** Any UUID version, either case: what PostgreSQL's uuid type accepts in canonical form. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID_PATTERN.test(text);
}

/** Path ids are uuids: anything else is a 400 naming the parameter, never a database error. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(`${name} must be a UUID`) });
}
