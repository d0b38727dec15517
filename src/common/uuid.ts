import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';

/** Path ids are uuids: anything else is a 400 naming the parameter, never a database error. */
export function uuidParam(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException(`${name} must be a UUID`) });
}
