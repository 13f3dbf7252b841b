/**
 * Fault 7: another producer writes the imports topic with a schema incompatible with the contract.
 * (a) Registering it under the topic's subject is refused by the registry (409): our producers
 *     fail closed. (b) A producer that registers it elsewhere (another subject, or the subject after
 *     its compatibility was set to NONE) and writes to the imports topic anyway: its records are
 *     dead-lettered (INCOMPATIBLE_WRITER_SCHEMA), none is read as a person, and the valid records
 *     around them are applied. The rogue schemas keep the contract's binary layout and only rename
 *     a required field, so a consumer that ignored the writer schema id would take them for persons.
 */
import avro from 'avsc';
import { contractType, entityContracts, parseSchema, type PersonImportRecord } from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, registryEndpoint } from '@stafett/kafka';
import { testSchemaRegistryUrl } from '@stafett/testing';
import { FaultScenario } from './support/fault-scenario';
import { checkDeadLetters, settleAndCheck, versionsAfter, type Poison } from './support/guarantees';

const PERSONS = 400;
const ROGUE_EVERY = 10;

/** The import record contract with one required field renamed (same bytes, another meaning). */
function rogueType(from: string, to: string): avro.Type {
  const schema = contractType(entityContracts('person').importRecord).schema({ exportAttrs: true }) as avro.schema.RecordType;
  return parseSchema({ ...schema, fields: schema.fields.map((f) => (f.name === from ? { ...f, name: to } : f)) });
}

async function registry(method: string, path: string, body: unknown): Promise<{ status: number; body: { error_code?: number; id?: number; compatibility?: string } }> {
  const { baseUrl, authorization } = registryEndpoint(testSchemaRegistryUrl());
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error_code?: number } };
}

describe('fault: an incompatible schema registered by another producer', () => {
  const s = new FaultScenario('schema');
  const subject = () => `${s.importsTopic}-value`;
  const rogueSubjectElsewhere = rogueType('externalId', 'sourceRef');
  const rogueUnderNone = rogueType('batchId', 'batchRef');

  beforeAll(() => s.prepare(), 60_000);
  afterAll(() => s.close(), 120_000);

  it('should refuse to register it under the imports subject (409), so producers fail closed', async () => {
    const encode = await s.encoder(); // the contract is registered under the subject
    expect(encode).toBeInstanceOf(Function);
    const refused = await registry('POST', `/subjects/${encodeURIComponent(subject())}/versions`, { schema: JSON.stringify(rogueSubjectElsewhere.schema({ exportAttrs: true })) });
    expect({ status: refused.status, code: refused.body.error_code }).toEqual({ status: 409, code: 409 });
    const producer = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
    await expect(producer.encoderFor(s.importsTopic, rogueSubjectElsewhere)).rejects.toMatchObject({ code: 'INCOMPATIBLE_SCHEMA' });
  });

  it('should dead-letter records written with it anyway, decode none as a person, and apply the valid ones around them', async () => {
    await s.topics.startReading();
    const imports = await s.readTopic(s.importsTopic);
    await s.startService();

    // (b1) registered under a subject of its own; (b2) under the imports subject after compatibility NONE.
    const rogueProducer = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
    const elsewhere = await rogueProducer.encoderFor<Record<string, unknown>>(`${s.prefix}rogue.person.imports`, rogueSubjectElsewhere);
    const none = await registry('PUT', `/config/${encodeURIComponent(subject())}`, { compatibility: 'NONE' });
    expect(none).toEqual({ status: 200, body: { compatibility: 'NONE' } });
    const underNone = await rogueProducer.encoderFor<Record<string, unknown>>(s.importsTopic, rogueUnderNone);

    const people = s.persons(PERSONS);
    const records = s.records(people);
    const rogueItems = s.persons(PERSONS / ROGUE_EVERY, 'rogue');
    const rogueRecords = s.records(rogueItems);
    const encode = await s.encoder();
    const poison: Poison[] = [];
    const messages: { key: string; value: Buffer }[] = [];
    records.forEach((record, i) => {
      messages.push({ key: s.keyOf(record), value: encode(record) });
      if (i % ROGUE_EVERY === ROGUE_EVERY - 1) {
        const r = rogueRecords[poison.length];
        const value =
          poison.length % 2 === 0
            ? elsewhere({ ...r, externalId: undefined, sourceRef: r.externalId })
            : underNone({ ...r, batchId: undefined, batchRef: r.batchId });
        const p = { key: s.keyOf(r), value, codes: ['INCOMPATIBLE_WRITER_SCHEMA', 'UNDECODABLE'] };
        poison.push(p);
        messages.push(p);
      }
    });
    await s.produceRaw(messages);

    // Valid records applied; no rogue record has a result or a person.
    const ledger = await settleAndCheck(s, { records, versions: versionsAfter(people), outcome: () => 'CREATED' });
    expect(ledger.problems).toEqual([]);
    const dead = await checkDeadLetters(s, imports, messages.length, poison);
    expect(dead.problems).toEqual([]);
    const rogueIds = new Set(rogueRecords.map((r: PersonImportRecord) => r.recordId));
    expect(s.topics.events.filter((e) => rogueIds.has(e.value.causationId ?? ''))).toEqual([]);
    process.stdout.write(`faults/schema: registry refused the rogue schema (409); ${poison.length} rogue records dead-lettered ${JSON.stringify(dead.codes)}; ${records.length} valid records applied\n`);
  });
});
