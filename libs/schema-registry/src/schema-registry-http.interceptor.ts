import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { RegistryErrors } from './schema-registry.exception';

/** What the registry answers with, like Confluent (UTF-8, which Express states explicitly). */
export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json; charset=utf-8';

/** What it accepts: Confluent clients send the first one. */
export const REGISTRY_REQUEST_TYPES: readonly string[] = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
];

/** Schemas are small; Confluent's own limit is in this range. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

type RegistryRequest = IncomingMessage & { body?: unknown };

/**
 * Content negotiation of the registry's routes: answers with the Confluent media type and reads
 * JSON bodies sent as `application/vnd.schemaregistry(.v1)+json`, which the app's JSON body
 * parser (if any) leaves alone. Being an interceptor, not a middleware, it applies to the
 * registry's controllers only, wherever they are mounted, and its errors reach the registry's
 * exception filter.
 */
@Injectable()
export class SchemaRegistryHttpInterceptor implements NestInterceptor {
  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    http.getResponse<ServerResponse>().setHeader('Content-Type', REGISTRY_CONTENT_TYPE);
    await readJsonBody(http.getRequest<RegistryRequest>());
    return next.handle();
  }
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

async function readJsonBody(request: RegistryRequest): Promise<void> {
  // Already read (by the app's JSON parser), or nothing to read.
  if (request.readableEnded || !hasBody(request)) return;
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!REGISTRY_REQUEST_TYPES.includes(mediaType)) throw RegistryErrors.unsupportedMediaType(mediaType);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw RegistryErrors.payloadTooLarge(MAX_BODY_BYTES);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    request.body = text.trim() === '' ? undefined : JSON.parse(text);
  } catch (e) {
    throw RegistryErrors.malformedJson((e as Error).message);
  }
}
