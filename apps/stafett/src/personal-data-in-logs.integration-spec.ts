/**
 * The log-scan test (DESIGN §4 "no personnummer, name, e-mail or phone in any log line or DLQ
 * header"): the all-in-one platform as a real process at LOG_LEVEL=debug, fed persons with every
 * spelling of a personnummer — in payloads, external ids, query strings, paths and a record id that
 * ends in the DLQ — plus a forced unique-violation race; then everything it printed and every DLQ
 * header is searched for the numbers, names and e-mail addresses.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { contractType, entityContracts, TopicNames, type PersonImportRecord } from '@stafett/contracts';
import { makePersonnummer } from '@stafett/domain';
import { AvroSerde, HttpSchemaRegistryClient, KafkajsClient, type ConsumedMessage, type KafkaConsumerPort } from '@stafett/kafka';
import { freePort, startProcess, testDatabaseUrl, testKafkaBrokers, uniqueId, waitFor, type RunningProcess } from '@stafett/testing';

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

/** Every way a personnummer is written: 12 and 10 digits, -, +, space, URL-encoded. */
function spellings(pnr: string): string[] {
  const [century, yymmdd, last4] = [pnr.slice(0, 2), pnr.slice(2, 8), pnr.slice(8)];
  return [
    pnr,
    `${century}${yymmdd}-${last4}`,
    `${century}${yymmdd} ${last4}`,
    `${yymmdd}${last4}`,
    `${yymmdd}-${last4}`,
    `${yymmdd}+${last4}`,
    `${century}${yymmdd}%2D${last4}`,
    `${yymmdd}%2B${last4}`,
  ];
}

describe('personal data in the platform log and DLQ headers', () => {
  const prefix = `${uniqueId('logscan')}.`;
  const adminKey = `stf_${uniqueId('logscan-admin')}`;
  const names = new TopicNames(prefix);
  const marker = `Zq${randomInt(1e6)}`;
  const pnrs = [0, 1, 2, 3].map((i) => makePersonnummer({ birthDate: `19${30 + i}-0${1 + i}-1${i}`, sex: i % 2 ? 'MALE' : 'FEMALE', serial: randomInt(500) }));
  const old = makePersonnummer({ birthDate: '1912-03-04', sex: 'MALE', serial: randomInt(500) });
  const racePnr = makePersonnummer({ birthDate: '1941-07-08', sex: 'FEMALE', serial: randomInt(500) });
  const firstName = `${marker}Förnamn`;
  const lastName = `${marker}Efternamn`;
  const email = `${marker.toLowerCase()}.leak@example.se`;
  const kafka = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('logscan'), logger: quiet });
  const dlq: ConsumedMessage[] = [];
  let platform: RunningProcess;
  let base: string;
  let reader: KafkaConsumerPort;

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    platform = startProcess('apps/stafett/src/main.ts', {
      PORT: String(port),
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      SCHEMA_REGISTRY_URL: '',
      STAFETT_TOPIC_PREFIX: prefix,
      STAFETT_ADMIN_API_KEY: adminKey,
      LOG_LEVEL: 'debug',
    });
    await waitFor('the platform to be ready', async () => ((await fetch(`${base}/health/ready`).catch(() => undefined))?.ok ? true : undefined), 90_000, 250);
    reader = kafka.consumer({ groupId: uniqueId('dlq-reader'), topics: [names.dlq], dlqTopic: `${names.dlq}.reader-dlq`, handler: async (ms) => void dlq.push(...ms) });
    await reader.start();

    // Imports with every spelling, in payloads and in external ids; most are refused by rule, with messages.
    const all = [...pnrs.flatMap((p) => spellings(p)), ...spellings(old)];
    const records = all.map((spelling, i) => ({
      entityType: 'person',
      externalId: i % 2 === 0 ? spelling : `m-${i}`,
      op: 'UPSERT',
      payload: { personalIdentityNumber: spelling, firstName, lastName, email, phone: '+46701234567' },
    }));
    const accepted = await api('POST', '/v1/imports', { source: { system: 'logscan' }, records });
    expect(accepted.status).toBe(202);
    const { batchId } = (await accepted.json()) as { batchId: string };

    // Queries and paths carrying personal data.
    for (const spelling of spellings(pnrs[0])) await api('GET', `/v1/persons?personalIdentityNumber=${spelling}`);
    await api('GET', `/v1/persons?name=${encodeURIComponent(firstName)}`);
    await api('GET', `/v1/persons/${pnrs[1]}`);
    await api('GET', `/v1/persons?personalIdentityNumber=${pnrs[2]}&email=${encodeURIComponent(email)}`);

    // The race: four creates of one new personnummer at once.
    const race = await Promise.all([0, 1, 2, 3].map(() => api('POST', '/v1/persons', { personalIdentityNumber: racePnr, firstName, lastName, email })));
    expect(race.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);

    // A record referring to a guardian by a personnummer where a uuid belongs, produced straight to Kafka:
    // Postgres refuses it quoting the value (`invalid input syntax for type uuid: "…"`), and it ends in the DLQ.
    const serde = new AvroSerde(new HttpSchemaRegistryClient(`http://logscan:${adminKey}@127.0.0.1:${port}/registry`));
    const encode = await serde.encoderFor<PersonImportRecord>(names.imports('person'), contractType(entityContracts('person').importRecord));
    const poison: PersonImportRecord = {
      recordId: randomUUID(),
      batchId: randomUUID(),
      source: { system: 'logscan', connectorId: null },
      externalId: 'poison',
      op: 'UPSERT',
      receivedAt: new Date(),
      payload: { firstName, lastName, birthDate: '1990-01-01', guardians: [{ person: { id: spellings(pnrs[3])[2] } }] },
    };
    const producer = await kafka.producer();
    await producer.send([{ topic: names.imports('person'), key: 'logscan:poison', value: encode(poison) }]);
    await producer.disconnect();

    await waitFor(
      'the import batch to be DONE',
      async () => ((await (await api('GET', `/v1/imports/${batchId}`)).json()) as { status: string }).status === 'DONE' || undefined,
      60_000,
      250,
    );
    await waitFor('the poison record in the DLQ', () => dlq.find((m) => m.key?.toString() === 'logscan:poison'), 60_000);
    await platform.kill('SIGTERM');
  }, 240_000);

  afterAll(async () => {
    await platform?.kill('SIGKILL');
    await reader?.stop();
    await kafka.close();
  });

  const forbidden = () => [...pnrs.flatMap(spellings), ...spellings(old), ...spellings(racePnr), firstName, lastName, email, encodeURIComponent(email), '+46701234567', marker];

  it('should have logged the run (the scan looks at something)', () => {
    expect(platform.output()).toMatch(/"path":"\/v1\/imports"/);
    expect(platform.output()).toMatch(/"statusCode":409/);
    expect(platform.output()).toMatch(/messages sent to the DLQ/);
  });

  it('should print no personnummer in any spelling, name or e-mail in the platform log', () => {
    const output = platform.output();
    expect(forbidden().filter((s) => output.includes(s))).toEqual([]);
  });

  it('should put no personnummer, name or e-mail in any DLQ header', () => {
    const headers = dlq.flatMap((m) => Object.entries(m.headers).map(([k, v]) => `${k}=${v?.toString() ?? ''}`)).join('\n');
    expect(headers).toContain('stafett.dlq.error.message=');
    expect(forbidden().filter((s) => headers.includes(s))).toEqual([]);
  });
});
