/**
 * A connection Postgres terminates at the moment the pool hands it out (a restart's 57P01 read in
 * the same socket chunk as the ReadyForQuery that completed the checkout) fails the work that got
 * it, and does not end the process. The real Postgres terminates the backend; a loopback proxy
 * holds the server's bytes meanwhile and delivers them in one write, which is what a busy event
 * loop (or a restart mid-import, tests/faults/postgres-restart) gets by chance.
 */
import net from 'node:net';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { testDatabaseUrl, uniqueId, waitFor } from '@stafett/testing';
import { stafettDataSourceOptions } from './data-source-options';
import { poolOf } from './transaction';

/** Forwards to Postgres; while `holding`, keeps what the server sends on new connections and hands it over in one write on `flush`. */
class CoalescingProxy {
  holding = false;
  private readonly held: { client: net.Socket; chunks: Buffer[]; upstreamEnded: boolean }[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((client) => this.accept(client));

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Resolves once every held connection's server side has closed (the backend is gone). */
  async upstreamsEnded(): Promise<void> {
    await waitFor('the terminated backend to close its socket', () => (this.held.length > 0 && this.held.every((h) => h.upstreamEnded) ? true : undefined), 10_000, 10);
  }

  flush(): void {
    for (const h of this.held.splice(0)) {
      h.client.write(Buffer.concat(h.chunks));
      h.client.end();
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.target);
    this.sockets.add(client).add(upstream);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('data', (d: Buffer) => upstream.write(d));
    client.on('close', () => upstream.destroy());
    if (this.holding) {
      const held = { client, chunks: [] as Buffer[], upstreamEnded: false };
      this.held.push(held);
      upstream.on('data', (d: Buffer) => held.chunks.push(d));
      upstream.on('close', () => (held.upstreamEnded = true));
    } else {
      upstream.on('data', (d: Buffer) => client.write(d));
      upstream.on('close', () => client.end());
    }
  }
}

describe('pooled clients and a connection terminated as it is checked out', () => {
  const direct = new URL(testDatabaseUrl());
  const admin = new Pool({ connectionString: direct.toString(), max: 1 });
  const proxy = new CoalescingProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const applicationName = uniqueId('guard');
  let dataSource: DataSource;

  const backends = async (state?: string): Promise<number> =>
    (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND ($2::text IS NULL OR state = $2)`, [applicationName, state ?? null])).rowCount ?? 0;
  const terminateBackends = () => admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);

  beforeAll(async () => {
    const proxied = new URL(direct.toString());
    proxied.hostname = '127.0.0.1';
    proxied.port = String(await proxy.listen());
    // The platform's own pool settings (every app's DataSource is built by stafettDataSourceOptions).
    dataSource = new DataSource({ ...stafettDataSourceOptions({ databaseUrl: proxied.toString(), applicationName, poolSize: 1 }), logging: false });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await proxy.close();
    await admin.end();
  });

  it('should fail the checked-out connection’s first query and keep the process and the pool working', async () => {
    const pool = poolOf(dataSource);
    // Empty the pool, so the next checkout opens a new connection.
    await terminateBackends();
    await waitFor('the idle connection to be dropped', async () => ((await backends()) === 0 && pool.totalCount === 0 ? true : undefined), 10_000);

    proxy.holding = true;
    const checkout = pool.connect();
    await waitFor('the new backend to be ready for queries', async () => ((await backends('idle')) === 1 ? true : undefined), 10_000, 10);
    proxy.holding = false;
    await terminateBackends();
    await proxy.upstreamsEnded();
    proxy.flush(); // AuthenticationOk … ReadyForQuery, then FATAL 57P01: one read on the client

    const client = await checkout;
    await expect(client.query('SELECT 1')).rejects.toThrow('Client has encountered a connection error and is not queryable');
    client.release(true);

    expect(await dataSource.query('SELECT 41 + 1 AS answer')).toEqual([{ answer: 42 }]);
  });
});
