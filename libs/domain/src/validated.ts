import type { ReasonCode } from './reason-codes';

export interface Valid<T> {
  readonly ok: true;
  readonly value: T;
}

/**
 * Why a value was refused. `message` is English, says what is wrong and what is expected, and
 * never repeats the input (it may be a personnummer, and messages reach results and logs).
 */
export interface Invalid {
  readonly ok: false;
  readonly code: ReasonCode;
  readonly message: string;
}

/** The result of every validator: a normalized value or a reason. Validators never throw on bad input. */
export type Validated<T> = Valid<T> | Invalid;

export function valid<T>(value: T): Valid<T> {
  return { ok: true, value };
}

export function invalid(code: ReasonCode, message: string): Invalid {
  return { ok: false, code, message };
}
