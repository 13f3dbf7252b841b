import { PermanentError, TransientError } from './errors';
import { registryEndpoint } from './registry-endpoint';

/** What the serde needs from a Confluent-compatible registry. */
export interface SchemaRegistryPort {
  /** Registers (or finds) `schema` under `subject`; returns its global id. */
  register(subject: string, schema: string): Promise<number>;
  /** The schema text with this global id. */
  schemaById(id: number): Promise<string>;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * A small client of the Confluent Schema Registry REST API (fetch, no dependencies), with caches:
 * ids are immutable, so each (subject, schema) and each id is asked once per process. Credentials
 * in the URL (`http://user:<api key>@host`) are sent as Basic auth, as Confluent clients do.
 */
export class HttpSchemaRegistryClient implements SchemaRegistryPort {
  private readonly ids = new Map<string, Promise<number>>();
  private readonly schemas = new Map<number, Promise<string>>();
  private readonly baseUrl: string;
  private readonly authorization: string | undefined;

  constructor(
    url: string,
    private readonly timeoutMs = 5_000,
  ) {
    ({ baseUrl: this.baseUrl, authorization: this.authorization } = registryEndpoint(url));
  }

  register(subject: string, schema: string): Promise<number> {
    const key = `${subject}\u0000${schema}`;
    let id = this.ids.get(key);
    if (!id) {
      id = this.request<{ id: number }>('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema }).then((r) => r.id);
      id.catch(() => this.ids.delete(key));
      this.ids.set(key, id);
    }
    return id;
  }

  schemaById(id: number): Promise<string> {
    let schema = this.schemas.get(id);
    if (!schema) {
      schema = this.request<{ schema: string }>('GET', `/schemas/ids/${id}`).then((r) => r.schema);
      schema.catch(() => this.schemas.delete(id));
      this.schemas.set(id, schema);
    }
    return schema;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { accept: CONTENT_TYPE, ...(body ? { 'content-type': CONTENT_TYPE } : {}), ...(this.authorization ? { authorization: this.authorization } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new TransientError('REGISTRY_UNREACHABLE', `schema registry ${this.baseUrl} unreachable: ${(e as Error).message}`, { cause: e });
    }
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as T;
    let detail: { error_code?: number; message?: string } = {};
    try {
      detail = JSON.parse(text) as typeof detail;
    } catch {
      // not JSON: keep the status
    }
    const message = `schema registry ${method} ${path}: ${res.status} ${detail.message ?? text.slice(0, 200)}`;
    if (res.status === 409) throw new PermanentError('INCOMPATIBLE_SCHEMA', message);
    if (res.status === 404) throw new PermanentError('UNKNOWN_SCHEMA', message);
    if (res.status >= 500 || res.status === 429) throw new TransientError('REGISTRY_ERROR', message);
    throw new PermanentError('REGISTRY_REJECTED', message);
  }
}
