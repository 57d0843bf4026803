import { ValidateBy, ValidateIf, ValidationOptions } from 'class-validator';
import { isStorableInstant, STORABLE_INSTANT_RANGE } from '../../domain/shared';

/**
 * One rule for optional request fields. Left out (undefined) skips the field's checks; null does
 * not: it is a value like any other and must pass them, so `"secret": null` is a 400 naming
 * `secret` (class-validator's @IsOptional() lets null through to code that expects a string).
 * Where null has a meaning (a PATCH that clears a field, documented `nullable`), say @Nullable().
 */
export const Omittable = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined);

/** May be left out, or null to clear it; anything else must pass the field's checks. */
export const Nullable = (): PropertyDecorator => ValidateIf((_, value) => value !== undefined && value !== null);

/** A Date (after `@Type(() => Date)`) that PostgreSQL can compare with: see domain/shared/instant. */
export function IsStorableInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStorableInstant',
      validator: {
        // An invalid Date is @IsDate()'s to report.
        validate: (value) => !(value instanceof Date) || Number.isNaN(value.getTime()) || isStorableInstant(value),
        defaultMessage: (args) => `${args?.property} must be ${STORABLE_INSTANT_RANGE}`,
      },
    },
    options,
  );
}
