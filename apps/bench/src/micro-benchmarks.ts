import { execFile } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { contractType, entityContracts, type PersonImportRecord } from '@stafett/contracts';
import type { KafkaClientPort, OutgoingMessage } from '@stafett/kafka';

const run = promisify(execFile);

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Runs `fn` once to warm up, then `runs` times; returns the median of what it measures. */
export async function medianOf(runs: number, fn: (i: number) => Promise<number>): Promise<{ median: number; all: number[] }> {
  await fn(-1);
  const all: number[] = [];
  for (let i = 0; i < runs; i++) all.push(await fn(i));
  return { median: median(all), all };
}

/** B0: Kafka's own ProducerPerformance at our record size (idempotent, acks=all, like our producer). */
export async function b0ProducerPerformance(repo: string, brokers: string, topic: string, records: number, recordSize: number): Promise<number> {
  const { stdout } = await run(
    'java',
    [
      '-Xmx512m',
      '-cp',
      path.join(repo, 'tools/kafka/lib/*'),
      `-Dlog4j2.configurationFile=${path.join(repo, 'tools/kafka/log4j2.properties')}`,
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      topic,
      '--num-records',
      String(records),
      '--record-size',
      String(recordSize),
      '--throughput',
      '-1',
      // Batching tuned for throughput (the ceiling), idempotent with acks=all like our producer.
      '--producer-props',
      `bootstrap.servers=${brokers}`,
      'acks=all',
      'enable.idempotence=true',
      'batch.size=1048576',
      'linger.ms=10',
      'buffer.memory=134217728',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const last =
    stdout
      .trim()
      .split('\n')
      .filter((l) => l.includes('records sent'))
      .pop() ?? '';
  const m = /([\d.]+) records\/sec/.exec(last);
  if (!m) throw new Error(`ProducerPerformance printed no summary:\n${stdout.slice(-500)}`);
  return Number(m[1]);
}

/** B1: our producer port (kafkajs, one send in flight, 2,000 records per request) with the same Avro records. */
export async function b1Kafkajs(client: KafkaClientPort, topic: string, values: readonly Buffer[]): Promise<number> {
  const producer = await client.producer();
  try {
    const messages: OutgoingMessage[] = values.map((value, i) => ({ topic, key: `bench:${i}`, value }));
    const started = performance.now();
    for (let i = 0; i < messages.length; i += 20_000) await producer.send(messages.slice(i, i + 20_000));
    return values.length / ((performance.now() - started) / 1000);
  } finally {
    await producer.disconnect();
  }
}

/** B2: avsc versus JSON on the person import record: encode and decode rates, and sizes. */
export function b2Serde(records: readonly PersonImportRecord[]) {
  const type = contractType(entityContracts('person').importRecord);
  const time = (fn: () => void) => {
    const t = performance.now();
    fn();
    return records.length / ((performance.now() - t) / 1000);
  };
  let avro: Buffer[] = [];
  let json: string[] = [];
  const avroEncode = time(() => (avro = records.map((r) => type.toBuffer(r))));
  const jsonEncode = time(() => (json = records.map((r) => JSON.stringify(r))));
  const avroDecode = time(() => avro.forEach((b) => void type.fromBuffer(b)));
  const jsonDecode = time(() => json.forEach((s) => void JSON.parse(s)));
  const avg = (xs: { length: number }[]) => Math.round(xs.reduce((n, x) => n + x.length, 0) / xs.length);
  return { avroEncode, jsonEncode, avroDecode, jsonDecode, avroBytes: avg(avro), jsonBytes: avg(json.map((s) => Buffer.from(s))) };
}

const PERSON_COLUMNS =
  'id uuid PRIMARY KEY, personal_identity_number char(12), first_name text, last_name text, birth_date date, sex text, address jsonb, email text, phone text, status text, disability boolean, version bigint';

type Row = [string, string, string, string, string, string, string, string, string, string, boolean, number];

const COLUMN_NAMES = PERSON_COLUMNS.split(', ').map((c) => c.split(' ')[0]);

/**
 * B3: Postgres ingest of the same persons: COPY, chunked INSERT … SELECT unnest of twelve arrays
 * (what the projections and links do), or chunked INSERT … SELECT from one JSON parameter (what the
 * person insert does since issue 8's fifth round).
 */
export async function b3Postgres(databaseUrl: string, rows: readonly Row[], mode: 'copy' | 'insert' | 'json', table: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(`CREATE TABLE ${table} (${PERSON_COLUMNS})`);
    const started = performance.now();
    if (mode === 'copy') {
      const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
      const lines = function* () {
        for (let i = 0; i < rows.length; i += 1_000) {
          yield (
            rows
              .slice(i, i + 1_000)
              .map((r) => r.map((v) => esc(String(v))).join('\t'))
              .join('\n') + '\n'
          );
        }
      };
      await pipeline(Readable.from(lines()), client.query(copyFrom(`COPY ${table} FROM STDIN`)));
    } else if (mode === 'json') {
      for (let i = 0; i < rows.length; i += 1_000) {
        const chunk = rows.slice(i, i + 1_000).map((r) => Object.fromEntries(r.map((v, c) => [COLUMN_NAMES[c], c === 6 ? JSON.parse(String(v)) : v])));
        await client.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [JSON.stringify(chunk)]);
      }
    } else {
      for (let i = 0; i < rows.length; i += 1_000) {
        const chunk = rows.slice(i, i + 1_000);
        await client.query(
          `INSERT INTO ${table} SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::jsonb[], $8::text[], $9::text[], $10::text[], $11::boolean[], $12::bigint[])`,
          Array.from({ length: 12 }, (_, c) => chunk.map((r) => r[c])),
        );
      }
    }
    const rate = rows.length / ((performance.now() - started) / 1000);
    await client.query(`DROP TABLE ${table}`);
    return rate;
  } finally {
    await client.end();
  }
}

export function personRows(records: readonly PersonImportRecord[]): Row[] {
  return records.map((r) => {
    const p = r.payload!;
    return [
      r.recordId,
      p.personalIdentityNumber!,
      p.firstName!,
      p.lastName!,
      p.birthDate!,
      p.sex!,
      JSON.stringify(p.address),
      p.email!,
      p.phone!,
      'ACTIVE',
      p.disability ?? false,
      1,
    ];
  });
}
