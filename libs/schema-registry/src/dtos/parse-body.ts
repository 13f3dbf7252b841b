import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { SchemaRegistryException } from '../schema-registry.exception';

/**
 * Validates a request body against a DTO class. Done here rather than by a `ValidationPipe` so
 * the error is the registry's own (Confluent-shaped, with the caller's error code) and the app's
 * global pipe, which skips `unknown` bodies, does not answer first with its own shape.
 * Properties Confluent clients send that the registry ignores (metadata, ruleSet…) are dropped.
 */
export function parseBody<T extends object>(
  dto: ClassConstructor<T>,
  body: unknown,
  error: (message: string) => SchemaRegistryException,
): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw error('Request body must be a JSON object');
  const instance = plainToInstance(dto, body, { excludeExtraneousValues: false });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) throw error(describe(errors));
  return instance;
}

function describe(errors: readonly ValidationError[]): string {
  return errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ');
}
