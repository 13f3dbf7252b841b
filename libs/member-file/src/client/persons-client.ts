import type { Person } from '@stafett/contracts';

/** The platform answered an error (status and its problem+json title), or could not be reached (status 0). */
export class PlatformError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

export interface PlatformClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch?: typeof fetch;
}

/**
 * A small client of the platform's public REST API, the only way a connector reads the register
 * (it never reads domain tables): `GET /v1/persons?organisationId=…` page by page along `nextCursor`.
 */
export class PersonsClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: PlatformClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** Every person with a membership (current or past) of the organisation, in pages of `pageSize`. */
  async *persons(organisationId: string, pageSize = 500): AsyncGenerator<Person> {
    let cursor: string | null = null;
    do {
      const url = new URL('/v1/persons', this.options.baseUrl);
      url.searchParams.set('organisationId', organisationId);
      url.searchParams.set('limit', String(pageSize));
      if (cursor) url.searchParams.set('cursor', cursor);
      const page: { items: Person[]; nextCursor: string | null } = await this.getJson(url);
      yield* page.items;
      cursor = page.nextCursor;
    } while (cursor);
  }

  private async getJson<T>(url: URL): Promise<T> {
    let res: Response;
    try {
      res = await this.fetch(url, { headers: { authorization: `Bearer ${this.options.apiKey}`, accept: 'application/json' } });
    } catch (e) {
      throw new PlatformError(
        0,
        `Cannot reach the platform at ${this.options.baseUrl}: ${e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)}`,
      );
    }
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { title?: string; detail?: string };
      throw new PlatformError(res.status, `${url.pathname}: ${res.status} ${problem.detail ?? problem.title ?? res.statusText}`);
    }
    return (await res.json()) as T;
  }
}
