import { Readable } from 'node:stream';
import { PlatformError } from '@stafett/member-file';

export interface ConnectorStatus {
  readonly connectorId: string;
  readonly connectorType: string;
  readonly name: string;
  readonly organisationId: string;
  readonly direction: string;
  readonly state: 'RUNNING' | 'PAUSED' | 'FAILED';
  readonly lastRun?: { readonly runId?: string; readonly status?: string; readonly startedAt?: string; readonly finishedAt?: string } | null;
}

export interface RunCounts {
  readonly read: number;
  readonly sent: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly deleted: number;
  readonly rejected: number;
}

export interface RunStatus {
  readonly runId: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly progress: { readonly stream: string; readonly read: number; readonly bytesRead?: number; readonly totalBytes?: number };
  readonly counts: RunCounts;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface NewAgreement {
  readonly connectorId: string;
  readonly connectorType: string;
  readonly name: string;
  readonly organisationId: string;
  readonly direction: 'IMPORT' | 'EXPORT' | 'SYNC';
  readonly sourceSystem: string;
  readonly entities: readonly { readonly entity: string; readonly matchKeys?: readonly string[]; readonly onDelete?: string }[];
  readonly schedule: { readonly kind: string };
  readonly config?: Readonly<Record<string, unknown>>;
}

/** The connector management API (`/v1/connectors`, DESIGN §2 / issue 11) as the CLI uses it. */
export class ConnectorsClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  async list(): Promise<ConnectorStatus[]> {
    return (await this.json<{ items: ConnectorStatus[] }>('GET', '/v1/connectors')).items;
  }

  async get(connectorId: string): Promise<{ connectorId: string; agreement: NewAgreement }> {
    return this.json('GET', `/v1/connectors/${encodeURIComponent(connectorId)}`);
  }

  async create(agreement: NewAgreement): Promise<{ connectorId: string }> {
    return this.json('POST', '/v1/connectors', JSON.stringify(agreement), 'application/json');
  }

  /** Uploads the file as the run's body (streamed). */
  async startRun(connectorId: string, file: { name: string; stream: Readable; size: number; contentType: string }, asOf?: string): Promise<{ runId: string }> {
    const query = new URLSearchParams({ filename: file.name, ...(asOf ? { asOf } : {}) });
    return this.json('POST', `/v1/connectors/${encodeURIComponent(connectorId)}/runs?${query.toString()}`, file.stream, file.contentType, { 'content-length': String(file.size) });
  }

  async run(connectorId: string, runId: string): Promise<RunStatus> {
    return this.json('GET', `/v1/connectors/${encodeURIComponent(connectorId)}/runs/${encodeURIComponent(runId)}`);
  }

  async report(connectorId: string, runId: string, format: 'json' | 'csv' | 'xlsx'): Promise<Buffer> {
    const res = await this.request('GET', `/v1/connectors/${encodeURIComponent(connectorId)}/runs/${encodeURIComponent(runId)}/report?format=${format}`);
    return Buffer.from(await res.arrayBuffer());
  }

  private async json<T>(method: string, path: string, body?: string | Readable, contentType?: string, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.request(method, path, body, contentType, headers);
    return (await res.json()) as T;
  }

  private async request(method: string, path: string, body?: string | Readable, contentType?: string, headers: Record<string, string> = {}): Promise<Response> {
    let res: Response;
    try {
      // A stream body needs `duplex: 'half'` (undici), which RequestInit does not declare.
      const init: RequestInit & { duplex?: 'half' } = {
        method,
        headers: { authorization: `Bearer ${this.apiKey}`, accept: 'application/json', ...(contentType ? { 'content-type': contentType } : {}), ...headers },
      };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : (Readable.toWeb(body) as ReadableStream<Uint8Array>);
        init.duplex = 'half';
      }
      res = await fetch(new URL(path, this.baseUrl), init);
    } catch (e) {
      throw new PlatformError(0, `Cannot reach the platform at ${this.baseUrl}: ${e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)}`);
    }
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { title?: string; detail?: string; errors?: { field?: string; message?: string }[] };
      const fields = problem.errors?.map((e) => `${e.field ?? ''}: ${e.message ?? ''}`).join('; ');
      throw new PlatformError(res.status, `${method} ${path.split('?')[0]}: ${res.status} ${problem.detail ?? problem.title ?? res.statusText}${fields ? ` (${fields})` : ''}`);
    }
    return res;
  }
}
