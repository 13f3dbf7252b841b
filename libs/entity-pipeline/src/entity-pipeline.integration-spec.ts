/**
 * The seam, proven with an entity that is not a person: the widget (src/test/widget.ts) brings only
 * rules, a repository, a migration and its contracts; the pipeline does the rest on the real broker,
 * registry and Postgres — imports topic in; events, state, results and the DLQ out.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { contractType, TopicNames } from '@stafett/contracts';
import { AvroSerde, DLQ_HEADERS, HttpSchemaRegistryClient, KafkaModule, KafkajsClient, type ConsumedMessage, type KafkaConsumerPort, type KafkaProducerPort } from '@stafett/kafka';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { testConfig, testKafkaBrokers, testSchemaRegistryUrl, uniqueId, waitFor } from '@stafett/testing';
import { EntityPipelineModule } from './entity-pipeline.module';
import { WIDGET_CONTRACTS, widgetMigrations, widgetRepository, widgetRules, type WidgetPayload, type WidgetState } from './test/widget';

interface Changed {
  eventId: string;
  entityId: string;
  version: number;
  op: string;
  causationId: string | null;
  before: WidgetState | null;
  after: WidgetState | null;
  changedFields: string[];
}
interface Result {
  recordId: string;
  entityType: string;
  outcome: string;
  entityId: string | null;
  version: number | null;
  reasons: { code: string; field: string | null; message: string }[];
}

@Module({})
class WidgetTestModule {
  static forRoot(config: StafettConfig, schema: string): DynamicModule {
    return {
      module: WidgetTestModule,
      imports: [
        StafettConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...stafettDataSourceOptions({ databaseUrl: config.databaseUrl, migrations: widgetMigrations(schema) }), migrationsRun: true }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'widget-test', schemaRegistryUrl: config.schemaRegistryUrl! }),
        EntityPipelineModule.forEntity({ entity: 'widget', rules: widgetRules(schema), repository: widgetRepository(schema), projections: ['organisation'] }),
      ],
    };
  }
}

const WAIT_MS = 6_000;

describe(EntityPipelineModule.name, () => {
  const schema = uniqueId('widgets').replace(/-/g, '_');
  const prefix = `${uniqueId('widget')}.`;
  const names = new TopicNames(prefix);
  const client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('widget-reader') });
  const serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  const events: Changed[] = [];
  const state: { key: string; value: WidgetState | null }[] = [];
  const results: Result[] = [];
  const dead: ConsumedMessage[] = [];
  const consumers: KafkaConsumerPort[] = [];
  let producer: KafkaProducerPort;
  let app: INestApplication;

  const read = async (topic: string, sink: (m: ConsumedMessage) => Promise<void>) => {
    const consumer = client.consumer({
      groupId: uniqueId('widget-reader'),
      topics: [topic],
      dlqTopic: `${topic}.reader-dlq`,
      handler: async (ms) => {
        for (const m of ms) await sink(m);
      },
    });
    consumers.push(consumer);
    await consumer.start();
  };

  beforeAll(async () => {
    // A short wait for missing references, so a record whose reference never comes is rejected within the test.
    app = await NestFactory.create(WidgetTestModule.forRoot(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_REFERENCE_WAIT_MS: String(WAIT_MS) }), schema), {
      logger: ['error', 'warn'],
    });
    app.enableShutdownHooks();
    await app.init();
    // The service provisions its topics as it starts; read them once they exist.
    const admin = await client.admin();
    await waitFor('the widget topics', async () => ((await admin.listTopics()).includes(names.state('widget')) ? true : undefined), 60_000);
    await admin.disconnect();
    await Promise.all([
      read(names.events('widget'), async (m) => void events.push(await serde.decode<Changed>(m.value!, WIDGET_CONTRACTS.changed))),
      read(
        names.state('widget'),
        async (m) => void state.push({ key: m.key!.toString(), value: m.value ? await serde.decode<WidgetState>(m.value, WIDGET_CONTRACTS.state) : null }),
      ),
      read(names.importResults, async (m) => void results.push(await serde.decode<Result>(m.value!, WIDGET_CONTRACTS.result))),
      read(names.dlq, async (m) => void dead.push(m)),
    ]);
    producer = await client.producer();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await Promise.all(consumers.map((c) => c.stop()));
    await producer?.disconnect();
    await client.close();
  });

  /** Sends widget import records (optionally with headers); returns their record ids by external id. */
  async function sendWidgets(
    system: string,
    items: { externalId: string; payload: Partial<WidgetPayload> | null; op?: 'UPSERT' | 'DELETE' }[],
    headers: Record<string, string> = {},
  ): Promise<Map<string, string>> {
    const topic = names.imports('widget');
    const encode = await serde.encoderFor<unknown>(topic, WIDGET_CONTRACTS.importRecord);
    const records = items.map((i) => ({
      recordId: randomUUID(),
      batchId: randomUUID(),
      source: { system, connectorId: null },
      externalId: i.externalId,
      op: i.op ?? 'UPSERT',
      receivedAt: new Date(),
      payload: i.payload === null ? null : { code: null, name: null, parent: null, organisation: null, ...i.payload },
    }));
    await producer.send(records.map((r) => ({ topic, key: 'widgets', value: encode(r), headers })));
    return new Map(records.map((r) => [r.externalId, r.recordId]));
  }

  const resultOf = (recordId: string, timeoutMs = 30_000) => waitFor(`the result of ${recordId}`, () => results.find((r) => r.recordId === recordId), timeoutMs);

  /** Publishes organisation states (as the organisation service's relay would) to the organisation state topic. */
  async function publishOrganisations(orgs: { id: string; version: number; parentId?: string | null; externalIds?: { system: string; id: string }[] }[]) {
    const topic = names.state('organisation');
    const encode = await serde.encoderFor<unknown>(topic, contractType('se.stafett.organisation.Organisation'));
    await producer.send(
      orgs.map((o) => ({
        topic,
        key: o.id,
        value: encode({ id: o.id, type: 'CLUB', name: `Club ${o.id.slice(0, 4)}`, parentId: o.parentId ?? null, status: 'ACTIVE', sports: [], externalIds: o.externalIds ?? [] }),
        headers: { 'stafett.entity.version': String(o.version) },
      })),
    );
  }

  async function importWidgets(
    system: string,
    items: { externalId: string; payload: Partial<WidgetPayload> | null; op?: 'UPSERT' | 'DELETE' }[],
    raw: Buffer[] = [],
  ): Promise<Map<string, Result>> {
    const topic = names.imports('widget');
    const encode = await serde.encoderFor<unknown>(topic, WIDGET_CONTRACTS.importRecord);
    const records = items.map((i) => ({
      recordId: randomUUID(),
      batchId: randomUUID(),
      source: { system, connectorId: null },
      externalId: i.externalId,
      op: i.op ?? 'UPSERT',
      receivedAt: new Date(),
      payload: i.payload === null ? null : { code: null, name: null, parent: null, organisation: null, ...i.payload },
    }));
    // Every record of a test on one key: one partition, applied in order.
    await producer.send([...raw.map((value) => ({ topic, key: 'widgets', value })), ...records.map((r) => ({ topic, key: 'widgets', value: encode(r) }))]);
    const wanted = new Set<string>(records.map((r) => r.recordId));
    return waitFor(`${wanted.size} widget results`, () => {
      const found = new Map(results.filter((r) => wanted.has(r.recordId)).map((r) => [r.recordId, r]));
      return found.size === wanted.size ? new Map(records.map((r) => [r.externalId, found.get(r.recordId)!])) : undefined;
    });
  }

  it('should create widgets, resolve a reference made earlier in the batch, and reject an invalid one naming the field', async () => {
    const out = await importWidgets('shop', [
      { externalId: 'w-1', payload: { code: 'AA-001', name: 'Sprocket' } },
      { externalId: 'w-2', payload: { code: 'AA-002', name: 'Gear', parent: { id: null, system: 'shop', externalId: 'w-1', personalIdentityNumber: null } } },
      { externalId: 'w-3', payload: { code: 'nope', name: 'Bad' } },
    ]);
    const [w1, w2, w3] = ['w-1', 'w-2', 'w-3'].map((k) => out.get(k)!);
    expect([w1.outcome, w2.outcome, w3.outcome]).toEqual(['CREATED', 'CREATED', 'REJECTED']);
    expect(w1).toMatchObject({ entityType: 'widget', version: 1 });
    expect(w3).toMatchObject({ entityId: null, reasons: [{ code: 'INVALID_FORMAT', field: 'code', message: expect.any(String) }] });

    const created = await waitFor('two CREATE events', () => (events.filter((e) => e.op === 'CREATE').length >= 2 ? events : undefined));
    const gear = created.find((e) => e.entityId === w2.entityId)!;
    expect(gear).toMatchObject({ version: 1, before: null, after: { code: 'AA-002', name: 'Gear', parentId: w1.entityId, externalIds: [{ system: 'shop', id: 'w-2' }] } });
    await waitFor('the state of both', () => (state.filter((s) => s.key === w1.entityId || s.key === w2.entityId).length === 2 ? true : undefined));
  });

  it('should answer UNCHANGED and publish nothing when the same widget comes again', async () => {
    const before = events.length;
    const out = await importWidgets('shop', [{ externalId: 'w-1', payload: { code: 'AA-001', name: 'Sprocket' } }]);
    expect(out.get('w-1')).toMatchObject({ outcome: 'UNCHANGED', version: 1, reasons: [] });
    // A later change is published: anything the repeat had published would come before it.
    const changed = await importWidgets('shop', [{ externalId: 'w-1', payload: { name: 'Sprocket II' } }]);
    const next = await waitFor('the next event', () => (events.length > before ? events.slice(before) : undefined));
    expect(next).toEqual([expect.objectContaining({ entityId: changed.get('w-1')!.entityId, version: 2, op: 'UPDATE', changedFields: ['name'] })]);
  });

  it('should match another source by the natural key and link its external id', async () => {
    const out = await importWidgets('warehouse', [{ externalId: 'X9', payload: { code: 'AA-002', name: 'Gear' } }]);
    const gear = out.get('X9')!;
    expect(gear).toMatchObject({ outcome: 'UPDATED', version: 2 });
    const event = await waitFor('the link event', () => events.find((e) => e.entityId === gear.entityId && e.version === 2));
    expect(event.changedFields).toEqual(['externalIds']);
    expect(event.after!.externalIds).toEqual([
      { system: 'shop', id: 'w-2' },
      { system: 'warehouse', id: 'X9' },
    ]);
  });

  it('should send an undecodable record to the DLQ and still apply the records after it', async () => {
    const garbage = Buffer.from('not avro at all');
    const out = await importWidgets('shop', [{ externalId: 'w-4', payload: { code: 'AA-004', name: 'Cog' } }], [garbage]);
    expect(out.get('w-4')).toMatchObject({ outcome: 'CREATED' });
    const poison = await waitFor('the poison in the DLQ', () => dead.find((m) => m.value?.equals(garbage)));
    expect(poison.headers[DLQ_HEADERS.errorCode]?.toString()).toBe('BAD_MAGIC_BYTE');
    expect(poison.headers[DLQ_HEADERS.topic]?.toString()).toBe(names.imports('widget'));
  });

  it('should delete a widget with a DELETE event and a tombstone on the state topic', async () => {
    const out = await importWidgets('shop', [{ externalId: 'w-4', payload: null, op: 'DELETE' }]);
    const deleted = out.get('w-4')!;
    expect(deleted).toMatchObject({ outcome: 'DELETED', version: 2 });
    const event = await waitFor('the DELETE event', () => events.find((e) => e.entityId === deleted.entityId && e.op === 'DELETE'));
    expect(event).toMatchObject({ version: 2, after: null, before: { code: 'AA-004' } });
    await waitFor('the tombstone', () => (state.some((s) => s.key === deleted.entityId && s.value === null) ? true : undefined));
    const again = await importWidgets('shop', [{ externalId: 'w-4', payload: { code: 'AA-004', name: 'Cog' } }]);
    expect(again.get('w-4')).toMatchObject({ outcome: 'CREATED', version: 1 });
    expect(again.get('w-4')!.entityId).not.toBe(deleted.entityId);
  });

  describe('references to entities not yet seen', () => {
    const link = (system: string, externalId: string) => ({ id: null, system, externalId, personalIdentityNumber: null });

    it('should park a record whose parent is not there yet and apply it when the parent arrives', async () => {
      const child = await sendWidgets('shop', [{ externalId: 'p-child', payload: { code: 'PA-002', name: 'Child', parent: link('shop', 'p-parent') } }]);
      // Parked, not rejected: no result while its parent is missing.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(results.find((r) => r.recordId === child.get('p-child'))).toBeUndefined();
      const parent = await importWidgets('shop', [{ externalId: 'p-parent', payload: { code: 'PA-001', name: 'Parent' } }]);
      const applied = await resultOf(child.get('p-child')!);
      expect(applied).toMatchObject({ outcome: 'CREATED', version: 1, reasons: [] });
      const event = await waitFor('the child CREATE', () => events.find((e) => e.entityId === applied.entityId));
      expect(event.after).toMatchObject({ code: 'PA-002', parentId: parent.get('p-parent')!.entityId });
    });

    it('should resolve an organisation from the projection of its state topic, once the organisation appears', async () => {
      const org = randomUUID();
      const sent = await sendWidgets('shop', [{ externalId: 'o-1', payload: { code: 'OR-001', name: 'Owned', organisation: link('register', 'club-17') } }]);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(results.find((r) => r.recordId === sent.get('o-1'))).toBeUndefined();
      await publishOrganisations([{ id: org, version: 1, externalIds: [{ system: 'register', id: 'club-17' }] }]);
      const applied = await resultOf(sent.get('o-1')!);
      expect(applied).toMatchObject({ outcome: 'CREATED' });
      const event = await waitFor('the CREATE', () => events.find((e) => e.entityId === applied.entityId));
      expect(event.after).toMatchObject({ organisationId: org });
    });

    it('should keep a source id in order: a later record waits behind a parked one', async () => {
      const org = randomUUID();
      const first = await sendWidgets('shop', [
        { externalId: 'q-1', payload: { code: 'QU-001', name: 'First', organisation: { id: org, system: null, externalId: null, personalIdentityNumber: null } } },
      ]);
      const second = await sendWidgets('shop', [{ externalId: 'q-1', payload: { name: 'Second' } }]);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(results.filter((r) => r.recordId === first.get('q-1') || r.recordId === second.get('q-1'))).toEqual([]);
      await publishOrganisations([{ id: org, version: 1 }]);
      const [a, b] = [await resultOf(first.get('q-1')!), await resultOf(second.get('q-1')!)];
      expect([a.outcome, a.version, b.outcome, b.version]).toEqual(['CREATED', 1, 'UPDATED', 2]);
      const last = await waitFor('version 2', () => events.find((e) => e.entityId === a.entityId && e.version === 2));
      expect(last.after).toMatchObject({ name: 'Second', organisationId: org });
    });

    it('should reject a record whose reference never appears with UNKNOWN_REFERENCE naming it, after the wait', async () => {
      const sent = await sendWidgets('shop', [{ externalId: 'n-1', payload: { code: 'NE-001', name: 'Never', organisation: link('register', 'no-such-club') } }]);
      const started = Date.now();
      const rejected = await resultOf(sent.get('n-1')!, WAIT_MS + 60_000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 1_000);
      expect(rejected).toMatchObject({ outcome: 'REJECTED', entityId: null, reasons: [{ code: 'UNKNOWN_REFERENCE', field: 'organisation', message: expect.any(String) }] });
    });

    it('should confine records that came through a scoped key to its organisation subtree', async () => {
      const [district, club, other] = [randomUUID(), randomUUID(), randomUUID()];
      await publishOrganisations([
        { id: district, version: 1 },
        { id: club, version: 1, parentId: district },
        { id: other, version: 1 },
      ]);
      const byId = (id: string) => ({ id, system: null, externalId: null, personalIdentityNumber: null });
      // The projection has them once an unscoped widget of the last one resolves.
      const probe = await importWidgets('shop', [{ externalId: 's-probe', payload: { code: 'SC-000', name: 'Probe', organisation: byId(other) } }]);
      expect(probe.get('s-probe')).toMatchObject({ outcome: 'CREATED' });
      const sent = await sendWidgets(
        'shop',
        [
          { externalId: 's-1', payload: { code: 'SC-001', name: 'In the club', organisation: byId(club) } },
          { externalId: 's-2', payload: { code: 'SC-002', name: 'Elsewhere', organisation: byId(other) } },
          { externalId: 's-probe', payload: { name: 'Taken over' } },
        ],
        { 'stafett.scope': district },
      );
      const [inside, outside, foreign] = [await resultOf(sent.get('s-1')!), await resultOf(sent.get('s-2')!), await resultOf(sent.get('s-probe')!)];
      expect(inside).toMatchObject({ outcome: 'CREATED' });
      expect(outside).toMatchObject({ outcome: 'REJECTED', reasons: [{ code: 'OUT_OF_SCOPE' }] });
      expect(foreign).toMatchObject({ outcome: 'REJECTED', reasons: [{ code: 'OUT_OF_SCOPE' }] });
    });
  });
});
