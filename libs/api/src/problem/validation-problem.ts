import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { ReasonCode } from '@stafett/domain';
import { Problems, type FieldError, type ProblemException } from './problem-details';

/** class-validator constraint names → the reason codes of the regelverk (the same vocabulary as import results). */
const CODES: Readonly<Record<string, string>> = {
  isDefined: ReasonCode.REQUIRED,
  isNotEmpty: ReasonCode.REQUIRED,
  arrayNotEmpty: ReasonCode.REQUIRED,
  arrayMinSize: ReasonCode.REQUIRED,
  isEnum: ReasonCode.INVALID_ENUM,
  isIn: ReasonCode.INVALID_ENUM,
  maxLength: ReasonCode.TOO_LONG,
  arrayMaxSize: ReasonCode.TOO_LONG,
  isCalendarDate: ReasonCode.INVALID_DATE,
  isDateString: ReasonCode.INVALID_DATE,
  isIso8601: ReasonCode.INVALID_DATE,
  whitelistValidation: 'UNKNOWN_FIELD',
};

/** The reason code of a class-validator constraint (INVALID_FORMAT when it has no closer one). */
export function codeOfConstraint(constraint: string): string {
  return CODES[constraint] ?? ReasonCode.INVALID_FORMAT;
}

/** `records` + `3` → `records[3]`; `records[3]` + `entityType` → `records[3].entityType`. */
export function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

/** One field error per failed constraint, with the full path of the field. */
export function fieldErrorsOf(errors: readonly ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = joinPath(parent, e.property);
    for (const [constraint, message] of Object.entries(e.constraints ?? {})) out.push({ field, code: codeOfConstraint(constraint), message });
    if (e.children?.length) out.push(...fieldErrorsOf(e.children, field));
  }
  return out;
}

/** Errors that are about the body as a whole (not a JSON object) rather than one of its fields. */
function isBodyLevel(errors: readonly ValidationError[]): boolean {
  return errors.some((e) => e.constraints?.['unknownValue'] !== undefined || ((e.property === 'body' || e.property === 'query') && e.constraints?.['isObject'] !== undefined));
}

/** The problem for what a `ValidationPipe` found: 400 when the body is not a JSON object at all, else 422 naming every field. */
export function validationProblem(errors: readonly ValidationError[]): ProblemException {
  if (isBodyLevel(errors)) return Problems.malformedRequest('The request body must be a JSON object.');
  return Problems.validation(fieldErrorsOf(errors));
}

const NOT_DTOS: readonly unknown[] = [String, Boolean, Number, Array, Object];

/** Deepest nesting of a body or query the API reads: its DTOs nest a few levels; 10,000 overflowed class-transformer's stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * The `@ArrayMaxSize` limits on a DTO's own properties: checked before anything else, so a body
 * with 100,000 records is refused at once instead of after validating each of them.
 */
function topLevelArrayLimits(metatype: object): { property: string; max: number }[] {
  return getMetadataStorage()
    .getTargetValidationMetadatas(metatype as new () => unknown, '', true, false)
    .filter((m) => m.name === 'arrayMaxSize' && typeof m.constraints?.[0] === 'number')
    .map((m) => ({ property: m.propertyName, max: m.constraints[0] as number }));
}

/**
 * What no DTO can hold, found in one iterative walk (no recursion, so no stack to overflow): nesting
 * deeper than `MAX_JSON_DEPTH`, and NUL characters, which no text column can store (Postgres refuses
 * them) and which made records end in the DLQ. Field paths as the other errors name them.
 */
export function unsafeInput(value: unknown): { tooDeep: boolean; nul: FieldError[] } {
  const nul: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000') && nul.length < 100) nul.push({ field: path || null, code: 'INVALID_FORMAT', message: 'must not contain the NUL character (\\u0000)' });
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_JSON_DEPTH) return { tooDeep: true, nul };
    if (Array.isArray(v)) v.forEach((item, i) => stack.push({ value: item, path: joinPath(path, String(i)), depth: depth + 1 }));
    else
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (k.includes('\u0000') && nul.length < 100) nul.push({ field: path || null, code: 'INVALID_FORMAT', message: 'a field name must not contain the NUL character (\\u0000)' });
        stack.push({ value: item, path: joinPath(path, k), depth: depth + 1 });
      }
  }
  return { tooDeep: false, nul };
}

/** The platform's ValidationPipe; a body validated against a DTO must be a JSON object (else 400, not field errors). */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const isDto = typeof metadata.metatype === 'function' && !NOT_DTOS.includes(metadata.metatype);
    if (metadata.type === 'body' && isDto && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw Problems.malformedRequest('The request body must be a JSON object (Content-Type: application/json).');
    }
    if ((metadata.type === 'body' || metadata.type === 'query') && typeof value === 'object' && value !== null) {
      if (isDto) {
        for (const { property, max } of topLevelArrayLimits(metadata.metatype as object)) {
          const items = (value as Record<string, unknown>)[property];
          if (Array.isArray(items) && items.length > max) {
            throw Problems.validation([{ field: property, code: ReasonCode.TOO_LONG, message: `${property} may hold at most ${max} items (it has ${items.length})` }]);
          }
        }
      }
      const unsafe = unsafeInput(value);
      if (unsafe.tooDeep) throw Problems.malformedRequest(`The request nests deeper than ${MAX_JSON_DEPTH} levels.`);
      if (unsafe.nul.length > 0) throw Problems.validation(unsafe.nul);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The ValidationPipe every app serving `/v1` installs globally: the options of the platform
 * (`whitelist` with `forbidNonWhitelisted`: a field a DTO does not declare is a 422 `UNKNOWN_FIELD`,
 * as on the import path, never silently dropped; `transform`, `forbidUnknownValues`), input no DTO
 * can hold refused first (too deep, too many items, NUL), and errors as problem+json with the exact
 * path of each field. (`ProblemDetailsFilter` also reads the stock pipe's errors, less precisely.)
 */
export function apiValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: true, exceptionFactory: (errors) => validationProblem(errors) });
}

const BODY_LEVEL_MESSAGES = [/an unknown value was passed to the validate function/, /^Validation failed \(object is expected\)$/];

/**
 * What the stock ValidationPipe's `BadRequestException` said, as field errors: its `message` is a
 * list of `"<path> <text>"` (paths like `records.3.entityType`) or, with `errorFormat: 'grouped'`,
 * an object of path → messages. `bodyLevel` when the body was not a JSON object at all;
 * undefined when the response is not one of those shapes.
 */
export function fieldErrorsOfStockPipe(response: unknown): { bodyLevel: boolean; errors: FieldError[] } | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const message = (response as { message?: unknown }).message;
  const toField = (path: string) => path.split('.').reduce(joinPath, '');
  if (Array.isArray(message) && message.length > 0 && message.every((m) => typeof m === 'string')) {
    const texts: string[] = message;
    if (texts.some((m) => BODY_LEVEL_MESSAGES.some((re) => re.test(m)))) return { bodyLevel: true, errors: [] };
    const errors = texts.map((m): FieldError => {
      const unknown = /^(?:(.+)\.)?property (\S+) should not exist$/.exec(m);
      if (unknown) return { field: toField(unknown[1] ? `${unknown[1]}.${unknown[2]}` : unknown[2]), code: 'UNKNOWN_FIELD', message: `property ${unknown[2]} should not exist` };
      const space = m.indexOf(' ');
      const path = space > 0 ? m.slice(0, space) : '';
      if (!/^[A-Za-z_$][\w$]*(\.[\w$]+)*$/.test(path)) return { field: null, code: ReasonCode.INVALID_FORMAT, message: m };
      return { field: toField(path), code: ReasonCode.INVALID_FORMAT, message: m.slice(path.lastIndexOf('.') + 1) };
    });
    return { bodyLevel: false, errors };
  }
  if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
    const errors = Object.entries(message as Record<string, unknown>).flatMap(([path, texts]) =>
      (Array.isArray(texts) ? texts : [texts]).map((t): FieldError => ({ field: toField(path), code: ReasonCode.INVALID_FORMAT, message: String(t) })),
    );
    return { bodyLevel: false, errors };
  }
  return undefined;
}
