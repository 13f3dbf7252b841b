import { randomInt, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { contractType, entityContracts, TopicNames, topicDefinitions, type ConnectorAgreement, type Organisation, type PersonChanged } from '@stafett/contracts';
import { makePersonnummer } from '@stafett/domain';
import { AvroSerde, HttpSchemaRegistryClient, KafkajsClient, provisionTopics, type KafkaConsumerPort } from '@stafett/kafka';
import { dropDatabase } from '@stafett/persistence';
import { freePort, startProcess, testDatabaseUrl, testKafkaBrokers, testSchemaRegistryUrl, uniqueId, waitFor, type RunningProcess } from '@stafett/testing';
import type { RunInput, SourceConnector } from '../connector';
import { connectRuntimeTestPool } from './connect-runtime-test-database';
import { ConnectorConfigError, validateConnectorConfig } from '../runtime/connector-config';
import { jsonSchemaErrors } from '../runtime/json-schema';
import type { RunView } from '../runtime/run-model';
import { SourceRuntime } from '../runtime/source-runtime';

/** A person as the suite hands it to a connector's input (contract field names; valid and unique). */
export interface AcceptancePerson {
  readonly externalId: string;
  readonly personalIdentityNumber: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly birthDate: string;
  readonly email: string;
}

/** What a connector gives the suite. Its records must give each person a membership in the agreement's organisation (the import's scope). */
export interface ConnectorUnderTest<C = unknown> {
  readonly connector: SourceConnector<C>;
  /** A valid config. */
  readonly config: C;
  /** An invalid config and the field its error must name (e.g. `config.columns`). */
  readonly invalidConfig: { readonly config: unknown; readonly field: string };
  /** An input from which the connector reads exactly these persons, in this order (called once per run). */
  input(persons: readonly AcceptancePerson[]): RunInput | Promise<RunInput>;
}

function persons(count: number): AcceptancePerson[] {
  const tag = randomUUID().slice(0, 8);
  return Array.from({ length: count }, (_, i) => {
    const birthDate = `${1950 + randomInt(55)}-${String(1 + randomInt(12)).padStart(2, '0')}-${String(1 + randomInt(28)).padStart(2, '0')}`;
    return {
      externalId: `${tag}-${i}`,
      personalIdentityNumber: makePersonnummer({ birthDate, sex: i % 2 ? 'MALE' : 'FEMALE', serial: randomInt(500) }),
      firstName: `Förnamn${i}`,
      lastName: `Efternamn${tag}`,
      birthDate,
      email: `p${i}.${tag}@example.se`,
    };
  });
}

/**
 * The acceptance suite every source connector passes, against the real broker, Postgres and the
 * person service (run as its own process on a topic prefix of the suite's): its spec is a valid
 * JSON Schema, bad config is refused naming the field, a repeat run is idempotent (all UNCHANGED,
 * no new change event) and a run cut off midway resumes from its saved state, sending only the rest.
 */
export function describeConnectorAcceptance<C>(name: string, factory: () => ConnectorUnderTest<C>): void {
  describe(`${name} (connector acceptance)`, () => {
    const prefix = `${uniqueId('acceptance')}.`;
    const topics = new TopicNames(prefix);
    const client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('acceptance') });
    const serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
    const organisationId = randomUUID();
    const events: PersonChanged[] = [];
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${uniqueId('connect_acceptance').replace(/-/g, '_')}`;
    let pool: Pool;
    let personService: RunningProcess;
    let reader: KafkaConsumerPort;
    const runtimes: SourceRuntime[] = [];
    const subject = factory();

    const newRuntime = async (settings: { batchSize?: number; maxInFlight?: number; drainMs?: number } = {}) => {
      const runtime = new SourceRuntime({ kafka: client, serde, topics, pool, pollIntervalMs: 100, ...settings });
      await runtime.start();
      runtimes.push(runtime);
      return runtime;
    };

    const agreement = (connectorId: string, config: unknown = subject.config): ConnectorAgreement => ({
      connectorId,
      revision: 1,
      connectorType: subject.connector.spec().type,
      name: `${name} under test`,
      organisationId,
      direction: 'IMPORT',
      sourceSystem: `acceptance-${connectorId}`,
      entities: [{ entity: 'person', fields: [], ownedFields: [], matchKeys: ['externalId', 'personalIdentityNumber'], onDelete: 'IGNORE' }],
      schedule: { kind: 'MANUAL', cron: null },
      config: JSON.stringify(config),
      updatedAt: new Date(),
    });
    const eventsOf = (connectorId: string) => events.filter((e) => e.source.connectorId === connectorId);

    beforeAll(async () => {
      await provisionTopics(client, topicDefinitions({ prefix }));
      pool = await connectRuntimeTestPool(url.toString(), 5);
      // The organisation the imports are scoped to, as the organisation service would publish it.
      const producer = await client.producer();
      const encode = await serde.encoderFor<Organisation>(topics.state('organisation'), contractType(entityContracts('organisation').state));
      const club: Organisation = { id: organisationId, type: 'CLUB', name: 'Acceptansklubben', status: 'ACTIVE', sports: [], externalIds: [] };
      await producer.send([{ topic: topics.state('organisation'), key: organisationId, value: encode(club), headers: { id: randomUUID(), 'stafett.entity.version': '1' } }]);
      await producer.disconnect();
      reader = client.consumer({
        groupId: uniqueId('acceptance-events'),
        topics: [topics.events('person')],
        dlqTopic: `${topics.dlq}.reader`,
        handler: async (ms) => {
          for (const m of ms) events.push(await serde.decode<PersonChanged>(m.value!, contractType(entityContracts('person').changed)));
        },
      });
      await reader.start();
      personService = startProcess('apps/person-service/src/main.ts', {
        DATABASE_URL: testDatabaseUrl(),
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        SCHEMA_REGISTRY_URL: testSchemaRegistryUrl(),
        STAFETT_TOPIC_PREFIX: prefix,
        PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
        STAFETT_REFERENCE_WAIT_MS: '15000',
      });
      await personService.waitFor('ready', 90_000);
    }, 180_000);

    afterAll(async () => {
      for (const r of runtimes) await r.stop();
      await reader?.stop();
      await personService?.kill('SIGTERM');
      await client.close();
      await pool?.end();
      await dropDatabase(url.toString()).catch(() => undefined);
    }, 60_000);

    it('should have a spec whose config schema is a valid JSON Schema', () => {
      const spec = subject.connector.spec();
      expect(spec.type).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(jsonSchemaErrors(spec.configSchema)).toEqual([]);
      expect(() => validateConnectorConfig(spec, JSON.stringify(subject.config))).not.toThrow();
    });

    it('should refuse a bad config naming the field, and start no run', async () => {
      let error: unknown;
      try {
        validateConnectorConfig(subject.connector.spec(), JSON.stringify(subject.invalidConfig.config));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConnectorConfigError);
      expect((error as ConnectorConfigError).errors.map((e) => e.field)).toContain(subject.invalidConfig.field);
      const runtime = await newRuntime();
      const connectorId = uniqueId('bad-config').toLowerCase();
      await expect(runtime.startRun({ connector: subject.connector, agreement: agreement(connectorId, subject.invalidConfig.config) })).rejects.toBeInstanceOf(
        ConnectorConfigError,
      );
      expect(await runtime.store.lastRuns([connectorId])).toEqual(new Map());
    });

    it('should be idempotent: a repeat run of the same input comes back all UNCHANGED with no new change event', async () => {
      const runtime = await newRuntime();
      const connectorId = uniqueId('repeat').toLowerCase();
      const people = persons(40);
      const first = await runtime.run({ connector: subject.connector, agreement: agreement(connectorId), input: await subject.input(people) });
      expect((await runtime.store.issues(first.runId)).slice(0, 3)).toEqual([]);
      expect(first).toMatchObject({ status: 'SUCCEEDED', counts: { read: 40, sent: 40, created: 40, rejected: 0 } });
      await waitFor('40 CREATE events', () => (eventsOf(connectorId).length >= 40 ? true : undefined), 60_000);
      await runtime.store.resetStates(connectorId); // the same input again, from the start
      const second = await runtime.run({ connector: subject.connector, agreement: agreement(connectorId), input: await subject.input(people) });
      expect(second).toMatchObject({ status: 'SUCCEEDED', counts: { read: 40, sent: 40, created: 0, updated: 0, unchanged: 40, rejected: 0 } });
      await new Promise((r) => setTimeout(r, 2_000));
      expect(eventsOf(connectorId).map((e) => e.op)).toEqual(Array(40).fill('CREATE'));
    });

    it('should resume after a crash from its saved state, sending only the rest', async () => {
      const connectorId = uniqueId('resume').toLowerCase();
      const people = persons(60);
      const crashing = await newRuntime({ batchSize: 5, maxInFlight: 10, drainMs: 0 });
      const controller = new AbortController();
      const cut: RunView = await crashing.run({
        connector: subject.connector,
        agreement: agreement(connectorId),
        input: await subject.input(people),
        signal: controller.signal,
        onProgress: (run) => {
          if (run.counts.sent >= 25) controller.abort();
        },
      });
      expect(cut.status).toBe('CANCELLED');
      expect(cut.counts.sent).toBeLessThan(60);
      const saved = await crashing.store.states(connectorId);
      expect(Object.keys(saved)).not.toEqual([]);

      const fresh = await newRuntime();
      const rest = await fresh.run({ connector: subject.connector, agreement: agreement(connectorId), input: await subject.input(people) });
      expect(rest.status).toBe('SUCCEEDED');
      expect(rest.counts.sent).toBeLessThan(60);
      expect(cut.counts.sent + rest.counts.sent).toBeGreaterThanOrEqual(60);
      // Every person arrived exactly once: one CREATE each, nothing re-applied.
      const created = await waitFor('60 CREATE events', () => (eventsOf(connectorId).length >= 60 ? eventsOf(connectorId) : undefined), 60_000);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(created.map((e) => e.op)).toEqual(Array(60).fill('CREATE'));
      expect(eventsOf(connectorId)).toHaveLength(60);
    });
  });
}
