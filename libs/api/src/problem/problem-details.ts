import { HttpException } from '@nestjs/common';

/** The media type of every `/v1` error (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One field that was refused: where (a path such as `records[3].payload.email`), which rule, and why. */
export interface FieldError {
  readonly field: string | null;
  readonly code: string;
  readonly message: string;
}

/** An RFC 9457 problem, with `errors` for refusals that name fields. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The request path (without the query, which may hold personal data). */
  readonly instance: string;
  readonly errors?: readonly FieldError[];
}

/**
 * Problem types: stable identifiers clients may switch on. Generic HTTP errors that need no
 * more than their status use `about:blank` (RFC 9457 §4.2.1).
 */
export const ProblemType = {
  validation: 'urn:stafett:problem:validation-failed',
  malformedRequest: 'urn:stafett:problem:malformed-request',
  unauthorized: 'urn:stafett:problem:unauthorized',
  forbidden: 'urn:stafett:problem:forbidden',
  payloadTooLarge: 'urn:stafett:problem:payload-too-large',
  notFound: 'urn:stafett:problem:not-found',
  conflict: 'urn:stafett:problem:conflict',
  preconditionFailed: 'urn:stafett:problem:precondition-failed',
  preconditionRequired: 'urn:stafett:problem:precondition-required',
  unavailable: 'urn:stafett:problem:unavailable',
  internal: 'urn:stafett:problem:internal-error',
  blank: 'about:blank',
} as const;

/** Responses carry at most this many field errors; the detail says how many were left out. */
export const MAX_FIELD_ERRORS = 1_000;

/** An error answered as problem+json by `ProblemDetailsFilter` (the filter adds `instance`). */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: Omit<ProblemDetails, 'instance'>,
    /** Response headers that belong to the problem, e.g. `WWW-Authenticate`. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem, problem.status);
  }
}

function limited(errors: readonly FieldError[], detail: string): { errors: readonly FieldError[]; detail: string } {
  if (errors.length <= MAX_FIELD_ERRORS) return { errors, detail };
  return { errors: errors.slice(0, MAX_FIELD_ERRORS), detail: `${detail} (${errors.length - MAX_FIELD_ERRORS} more errors not shown)` };
}

/** The problems the API answers with, in one place so their types and titles never drift. */
export const Problems = {
  validation: (errors: readonly FieldError[], detail = 'The request has invalid fields; see errors.') =>
    new ProblemException({ type: ProblemType.validation, title: 'Validation failed', status: 422, ...limited(errors, detail) }),
  malformedRequest: (detail: string, errors?: readonly FieldError[]) =>
    new ProblemException({ type: ProblemType.malformedRequest, title: 'Malformed request', status: 400, detail, ...(errors ? { errors } : {}) }),
  unauthorized: (detail: string, challenge: string) =>
    new ProblemException({ type: ProblemType.unauthorized, title: 'Unauthorized', status: 401, detail }, { 'WWW-Authenticate': challenge }),
  forbidden: (detail: string) => new ProblemException({ type: ProblemType.forbidden, title: 'Forbidden', status: 403, detail }),
  payloadTooLarge: (detail: string) => new ProblemException({ type: ProblemType.payloadTooLarge, title: 'Payload too large', status: 413, detail }),
  notFound: (detail: string, errors?: readonly FieldError[]) =>
    new ProblemException({ type: ProblemType.notFound, title: 'Not found', status: 404, detail, ...(errors ? { errors } : {}) }),
  conflict: (detail: string, errors?: readonly FieldError[]) =>
    new ProblemException({ type: ProblemType.conflict, title: 'Conflict', status: 409, detail, ...(errors ? { errors } : {}) }),
  preconditionFailed: (detail: string, errors?: readonly FieldError[]) =>
    new ProblemException({ type: ProblemType.preconditionFailed, title: 'Precondition failed', status: 412, detail, ...(errors ? { errors } : {}) }),
  preconditionRequired: (detail: string) => new ProblemException({ type: ProblemType.preconditionRequired, title: 'Precondition required', status: 428, detail }),
  unavailable: (detail: string, retryAfterSeconds = 5) =>
    new ProblemException({ type: ProblemType.unavailable, title: 'Service unavailable', status: 503, detail }, { 'Retry-After': String(retryAfterSeconds) }),
};
