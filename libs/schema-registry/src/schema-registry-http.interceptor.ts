import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { RegistryErrors } from './schema-registry.exception';

/** What the registry answers with unless the client prefers another of its types (UTF-8, which Express states explicitly). */
export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json; charset=utf-8';

/** The media types it answers in, most preferred first (Confluent's `@Produces`). */
const RESPONSE_TYPES: readonly string[] = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
];

/**
 * What it reads: Confluent clients send the first one; `application/octet-stream` (and no type at
 * all, which Confluent's server takes as that) is read as JSON too, as Confluent does.
 */
export const REGISTRY_REQUEST_TYPES: readonly string[] = [...RESPONSE_TYPES, 'application/octet-stream', ''];

/** Schemas are small; Confluent's own limit is in this range. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

type RegistryRequest = IncomingMessage & { body?: unknown };

/**
 * Content negotiation of the registry's routes: answers in the media type the `Accept` header
 * prefers among Confluent's three (406 when it admits none), and reads JSON bodies sent as
 * `application/vnd.schemaregistry(.v1)+json` or `application/octet-stream`, which the app's JSON
 * body parser (if any) leaves alone. Being an interceptor, not a middleware, it applies to the
 * registry's controllers only, wherever they are mounted, and its errors reach the registry's
 * exception filter.
 */
@Injectable()
export class SchemaRegistryHttpInterceptor implements NestInterceptor {
  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<RegistryRequest>();
    const responseType = negotiate(request.headers.accept);
    if (responseType === undefined) throw RegistryErrors.notAcceptable();
    http.getResponse<ServerResponse>().setHeader('Content-Type', `${responseType}; charset=utf-8`);
    await readJsonBody(request);
    return next.handle();
  }
}

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

/**
 * The response type for an `Accept` header (RFC 9110 §12.5.1): for each type the registry can
 * answer in, the quality of the most specific range that matches it; the best quality wins, ties
 * go to the registry's preference. No header, or wildcards only, give the Confluent type.
 */
export function negotiate(accept: string | undefined): string | undefined {
  if (accept === undefined || accept.trim() === '') return RESPONSE_TYPES[0];
  const ranges = accept.split(',').flatMap((part): MediaRange[] => {
    const [range, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const [type, subtype] = range.split('/');
    if (!type || !subtype) return [];
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    return [{ type, subtype, q: Number.isFinite(q) ? q : 0 }];
  });
  let best: { type: string; q: number } | undefined;
  for (const candidate of RESPONSE_TYPES) {
    const [type, subtype] = candidate.split('/');
    const matching = ranges
      .filter((r) => (r.type === '*' || r.type === type) && (r.subtype === '*' || r.subtype === subtype))
      .sort((a, b) => specificity(b) - specificity(a));
    const q = matching[0]?.q ?? 0;
    if (q > 0 && (best === undefined || q > best.q)) best = { type: candidate, q };
  }
  return best?.type;
}

function specificity(range: MediaRange): number {
  return (range.type === '*' ? 0 : 2) + (range.subtype === '*' ? 0 : 1);
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
