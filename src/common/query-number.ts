import { Transform } from 'class-transformer';

const DECIMAL_INTEGER = /^[+-]?\d+$/;

/**
 * Query strings arrive as text: convert only decimal integers, so that `0x10`, `1e3` or ` 5` stay
 * strings and fail @IsInt (a 400 naming the parameter) instead of being read by Number().
 * An empty value counts as absent, as on the gateway routes.
 */
export const ToInteger = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (value === '') return undefined;
    return typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value;
  });
