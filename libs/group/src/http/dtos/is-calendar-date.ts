import { registerDecorator, type ValidationOptions } from 'class-validator';
import { parseCalendarDate } from '@stafett/domain';

/** A real calendar date written YYYY-MM-DD (the contract's `date`); constraint name `isCalendarDate`. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be a real date written YYYY-MM-DD', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && parseCalendarDate(value).ok },
    });
}
