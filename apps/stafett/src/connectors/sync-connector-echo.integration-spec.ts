/**
 * Echo suppression end to end (DESIGN §3, issue 11 "a sync connector does not re-export its own
 * change"): a test-only SYNC connector imports persons through `stafett.person.imports.v1` under its
 * agreement's connectorId and exports person change events to a JSON Lines file through an
 * `@EventPattern` handler served by the SDK's `StafettKafkaTransport`. The person service runs for
 * real (broker, registry, Postgres). A change the connector imported itself is NOT exported; a
 * change to the same person from another source IS.
 *
 * It lives in the all-in-one app's project because only the platform scope may boot a domain
 * service next to a connector (a scope:connector project must not import scope:person code).
 */
import { Controller, Injectable, Module, type DynamicModule, type INestApplication, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StafettKafkaContext, StafettKafkaTransport } from '@stafett/connector-sdk';
import { contractType, entityContracts, type PersonChanged, type PersonImportPayload, type PersonImportRecord } from '@stafett/contracts';
import type { KafkaProducerPort } from '@stafett/kafka';
import { createPersonTestApp, PersonTopicsHarness, validPerson } from '@stafett/person/testing';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';

/** One exported line of the connector's file. */
interface ExportedLine {
  readonly entityId: string;
  readonly version: number;
  readonly op: string;
  readonly sourceSystem: string;
  readonly firstName: string | null;
}

/** Where the test connector writes what it exports: a JSON Lines file, as a file-based target system would get it. */
@Injectable()
class JsonlTarget {
  constructor(readonly file: string) {}

  async append(line: ExportedLine): Promise<void> {
    await appendFile(this.file, `${JSON.stringify(line)}\n`);
  }

  async lines(): Promise<ExportedLine[]> {
    const text = await readFile(this.file, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as ExportedLine);
  }
}

/** The export side of the sync connector: a sink handler as connector authors write one. */
@Controller()
class MemberSystemExportController {
  constructor(private readonly target: JsonlTarget) {}

  @EventPattern<string>('stafett.person.events.v1')
  async export(@Payload() change: PersonChanged, @Ctx() ctx: StafettKafkaContext): Promise<void> {
    await this.target.append({
      entityId: ctx.getKey(),
      version: change.version,
      op: change.op,
      sourceSystem: change.source.system,
      firstName: change.after?.firstName ?? null,
    });
  }
}

@Module({})
class MemberSystemSyncModule {
  static with(target: JsonlTarget): DynamicModule {
    return { module: MemberSystemSyncModule, controllers: [MemberSystemExportController], providers: [{ provide: JsonlTarget, useValue: target }] };
  }
}

describe('a sync connector (echo suppression through StafettKafkaTransport)', () => {
  const prefix = `${uniqueId('sync-echo')}.`;
  const connectorId = uniqueId('member-system-sync');
  const topics = new PersonTopicsHarness(prefix);
  let personService: INestApplication;
  let connector: INestMicroservice;
  let transport: StafettKafkaTransport;
  let target: JsonlTarget;
  let dir: string;
  let producer: KafkaProducerPort;

  /** The import side of the sync connector: import records stamped with its agreement (source.system and source.connectorId). */
  const importAs = async (source: { system: string; connectorId: string | null }, externalId: string, payload: PersonImportPayload): Promise<PersonImportRecord> => {
    const topic = topics.names.imports('person');
    const encode = await topics.serde.encoderFor<PersonImportRecord>(topic, contractType(entityContracts('person').importRecord));
    const record: PersonImportRecord = { recordId: randomUUID(), batchId: randomUUID(), source, externalId, op: 'UPSERT', receivedAt: new Date(), payload };
    await producer.send([{ topic, key: `${source.system}:${externalId}`, value: encode(record) }]);
    return record;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sync-echo-'));
    target = new JsonlTarget(path.join(dir, 'exported-persons.jsonl'));
    personService = await createPersonTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix }));
    await topics.startReading();
    producer = await topics.client.producer();
    transport = new StafettKafkaTransport({ connectorId, kafka: topics.client, serde: topics.serde, topicPrefix: prefix });
    connector = await NestFactory.createMicroservice(MemberSystemSyncModule.with(target), { strategy: transport, logger: ['error', 'warn'] });
    await connector.listen();
  }, 120_000);

  afterAll(async () => {
    await connector?.close();
    await personService?.close();
    await producer?.disconnect();
    await topics.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('should not export a change it imported itself, and export the next change of that person made by another source', async () => {
    const person = validPerson(1, { firstName: 'Imported' });
    const own = await importAs({ system: 'member-system', connectorId }, 'm-1', person);
    const ownResult = (await topics.resultsOf([own])).get(own.recordId)!;
    expect(ownResult).toMatchObject({ outcome: 'CREATED' });
    const entityId = ownResult.entityId!;
    // The person service did publish the change, with the connector's id as its source.
    const created = await waitFor('the CREATE event', () => topics.events.find((e) => e.value.entityId === entityId && e.value.version === 1));
    expect(created.value.source).toMatchObject({ system: 'member-system', connectorId });

    // The federation changes the same person (matched by personnummer): that change is not the connector's own.
    const foreign = await importAs({ system: 'federation', connectorId: null }, 'f-1', { ...person, firstName: 'Renamed' });
    expect((await topics.resultsOf([foreign])).get(foreign.recordId)).toMatchObject({ outcome: 'UPDATED', entityId });

    // Same entity, same partition, in order: once version 2 is exported, version 1 has been passed over.
    const exported = await waitFor('the export of the foreign change', async () => {
      const lines = (await target.lines()).filter((l) => l.entityId === entityId);
      return lines.some((l) => l.version === 2) ? lines : undefined;
    });
    expect(exported).toEqual([{ entityId, version: 2, op: 'UPDATE', sourceSystem: 'federation', firstName: 'Renamed' }]);
    expect(transport.counts.echo_suppressed).toBeGreaterThanOrEqual(1);
  });

  it('should export a person created by another source', async () => {
    const other = await importAs({ system: 'federation', connectorId: 'federation-sync' }, 'f-2', validPerson(2, { firstName: 'Federated' }));
    const result = (await topics.resultsOf([other])).get(other.recordId)!;
    expect(result).toMatchObject({ outcome: 'CREATED' });

    const exported = await waitFor('the export', async () => {
      const lines = (await target.lines()).filter((l) => l.entityId === result.entityId);
      return lines.length > 0 ? lines : undefined;
    });
    expect(exported).toEqual([{ entityId: result.entityId, version: 1, op: 'CREATE', sourceSystem: 'federation', firstName: 'Federated' }]);
  });
});
