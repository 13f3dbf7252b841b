/** Review: parking lot ordering and poison records, on the widget domain (real Kafka, registry, Postgres). */
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { contractType, TopicNames } from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, KafkaModule, KafkajsClient, type KafkaConsumerPort, type KafkaProducerPort } from '@stafett/kafka';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { testConfig, testKafkaBrokers, testSchemaRegistryUrl, uniqueId, waitFor } from '@stafett/testing';
import { EntityPipelineModule } from '../entity-pipeline.module';
import { WIDGET_CONTRACTS, widgetMigrations, widgetRepository, widgetRules } from '../test/widget';

interface Result {
  recordId: string;
  outcome: string;
  entityId: string | null;
  version: number | null;
  reasons: { code: string; field: string | null }[];
}

@Module({})
class ReviewModule {
  static forRoot(config: StafettConfig, schema: string): DynamicModule {
    return {
      module: ReviewModule,
      imports: [
        StafettConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...stafettDataSourceOptions({ databaseUrl: config.databaseUrl, migrations: widgetMigrations(schema) }), migrationsRun: true }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'widget-review', schemaRegistryUrl: config.schemaRegistryUrl! }),
        EntityPipelineModule.forEntity({ entity: 'widget', rules: widgetRules(schema), repository: widgetRepository(schema), projections: ['organisation'] }),
      ],
    };
  }
}

describe('parking lot (review)', () => {
  const schema = uniqueId('wreview').replace(/-/g, '_');
  const prefix = `${uniqueId('wreview')}.`;
  const names = new TopicNames(prefix);
  const client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('wreview-reader') });
  const serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  const results: Result[] = [];
  let reader: KafkaConsumerPort;
  let producer: KafkaProducerPort;
  let app: INestApplication;

  beforeAll(async () => {
    app = await NestFactory.create(ReviewModule.forRoot(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_REFERENCE_WAIT_MS: '60000' }), schema), { logger: ['error', 'warn'] });
    await app.init();
    const admin = await client.admin();
    await waitFor('the widget topics', async () => ((await admin.listTopics()).includes(names.importResults) ? true : undefined), 60_000);
    await admin.disconnect();
    reader = client.consumer({
      groupId: uniqueId('wreview-reader'),
      topics: [names.importResults],
      dlqTopic: `${names.importResults}.reader-dlq`,
      handler: async (ms) => {
        for (const m of ms) results.push(await serde.decode<Result>(m.value!, WIDGET_CONTRACTS.result));
      },
    });
    await reader.start();
    producer = await client.producer();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await reader?.stop();
    await producer?.disconnect();
    await client.close();
  });

  const blank = { code: null, name: null, parent: null, organisation: null };
  const link = (system: string, externalId: string) => ({ id: null, system, externalId, personalIdentityNumber: null });

  async function send(items: { recordId: string; externalId: string; payload: Record<string, unknown> }[]): Promise<void> {
    const topic = names.imports('widget');
    const encode = await serde.encoderFor<unknown>(topic, WIDGET_CONTRACTS.importRecord);
    await producer.send(
      items.map((i) => ({
        topic,
        key: 'widgets',
        value: encode({
          recordId: i.recordId,
          batchId: randomUUID(),
          source: { system: 'shop', connectorId: null },
          externalId: i.externalId,
          op: 'UPSERT',
          receivedAt: new Date(),
          payload: { ...blank, ...i.payload },
        }),
      })),
    );
  }

  it('keeps a source id in order when both of its records were parked by the same batch', async () => {
    // Two records of one source id in one batch: the first waits for its organisation, the second
    // waits behind it. Both get the same parked_at; the retrier orders ties by the random record id.
    const first = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
    const second = '00000000-0000-4000-8000-000000000001';
    await send([
      { recordId: first, externalId: 'tie-1', payload: { code: 'TI-001', name: 'First', organisation: link('register', 'club-never-yet') } },
      { recordId: second, externalId: 'tie-1', payload: { code: 'TI-001', name: 'Second' } },
    ]);
    await new Promise((r) => setTimeout(r, 5_000));
    // The first is still waiting for its organisation, so the second must still be waiting behind it.
    expect(results.filter((r) => r.recordId === first || r.recordId === second)).toEqual([]);
  });

  it('one undecodable parked record does not stop the retries of the others', async () => {
    // A record parked by a previous version of the service (its ImportRecord schema has since gained a
    // field) or otherwise unreadable: here, bytes that do not decode with today's schema.
    const ds = app.get<DataSource>(getDataSourceToken());
    await ds.query(
      `INSERT INTO "${schema}".parked_record (record_id, system, external_id, record, scope, parked_at, deadline, next_attempt) VALUES ($1, 'shop', 'old', $2, NULL, now() - interval '1 hour', now() - interval '1 minute', now())`,
      [randomUUID(), Buffer.from([0x02, 0x41])],
    );
    const recordId = randomUUID();
    await send([{ recordId, externalId: 'after-poison', payload: { code: 'PO-001', name: 'Waits', organisation: link('register', 'club-poison') } }]);
    await new Promise((r) => setTimeout(r, 1_500));
    const org = randomUUID();
    const topic = names.state('organisation');
    const encode = await serde.encoderFor<unknown>(topic, contractType('se.stafett.organisation.Organisation'));
    await producer.send([
      {
        topic,
        key: org,
        value: encode({ id: org, type: 'CLUB', name: 'Club', parentId: null, status: 'ACTIVE', sports: [], externalIds: [{ system: 'register', id: 'club-poison' }] }),
        headers: { 'stafett.entity.version': '1' },
      },
    ]);
    const applied = await waitFor('the parked record applied', () => results.find((r) => r.recordId === recordId), 20_000);
    expect(applied).toMatchObject({ outcome: 'CREATED' });
  });
  it('a scoped record cannot resolve (and so learn of, and link to) an entity outside its subtree', async () => {
    const [club, other] = [randomUUID(), randomUUID()];
    const topic = names.state('organisation');
    const encodeOrg = await serde.encoderFor<unknown>(topic, contractType('se.stafett.organisation.Organisation'));
    await producer.send(
      [club, other].map((id) => ({
        topic,
        key: id,
        value: encodeOrg({ id, type: 'CLUB', name: 'Club', parentId: null, status: 'ACTIVE', sports: [], externalIds: [] }),
        headers: { 'stafett.entity.version': '1' },
      })),
    );
    const byId = (id: string) => ({ id, system: null, externalId: null, personalIdentityNumber: null });
    // Another club's widget, imported without a scope.
    const foreignId = randomUUID();
    await send([{ recordId: foreignId, externalId: 'other-club-widget', payload: { code: 'OT-001', name: 'Theirs', organisation: byId(other) } }]);
    const theirs = await waitFor('the other club widget', () => results.find((r) => r.recordId === foreignId && r.outcome === 'CREATED'), 20_000);
    // A record through a key scoped to the club names that widget (by the source's link) as its parent.
    const topicImports = names.imports('widget');
    const encode = await serde.encoderFor<unknown>(topicImports, WIDGET_CONTRACTS.importRecord);
    const mine = randomUUID();
    await producer.send([
      {
        topic: topicImports,
        key: 'widgets',
        value: encode({
          recordId: mine,
          batchId: randomUUID(),
          source: { system: 'shop', connectorId: null },
          externalId: 'mine',
          op: 'UPSERT',
          receivedAt: new Date(),
          payload: { ...blank, code: 'MI-001', name: 'Mine', organisation: byId(club), parent: link('shop', 'other-club-widget') },
        }),
        headers: { 'stafett.scope': club },
      },
    ]);
    await new Promise((r) => setTimeout(r, 3_000));
    const result = results.find((r) => r.recordId === mine);
    // Outside the subtree is as good as absent: the reference must not resolve to the other club's widget.
    expect(result === undefined || result.outcome !== 'CREATED').toBe(true);
    expect(theirs.entityId).toBeTruthy();
  });
});
