/**
 * The sink transport on the real broker and registry: a Nest microservice whose controller declares
 * `@EventPattern` handlers gets decoded Avro person events with their context; poison goes to the
 * DLQ and the partition moves on; retryable failures are retried and nothing is lost; a restart
 * resumes after the last committed offset; the connector's own changes are not delivered.
 */
import { Controller, Injectable, Module, type DynamicModule, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { Person, PersonChanged } from '@stafett/contracts';
import { DLQ_HEADERS } from '@stafett/kafka';
import { uniqueId, waitFor } from '@stafett/testing';
import { Registry } from 'prom-client';
import { PermanentSinkError, RetryableSinkError } from './sink-errors';
import { StafettKafkaContext } from './stafett-kafka.context';
import { StafettKafkaTransport, type SinkBatch } from './stafett-kafka.transport';
import { personChanged, personState, SinkTopicsKit } from './test/sink-test-kit';

interface Seen {
  readonly value: PersonChanged | Person | null;
  readonly topic: string;
  readonly pattern: string;
  readonly entity: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly header: string | undefined;
}

/** What the test sink saw, and how it should fail for some entities. */
@Injectable()
class SinkRecorder {
  readonly events: Seen[] = [];
  readonly state: Seen[] = [];
  /** event id → failures still to come: a number of retryable ones, or 'permanent' / 'unmarked' for ever. */
  readonly failures = new Map<string, number | 'permanent' | 'unmarked'>();

  failIfAsked(eventId: string): void {
    const failure = this.failures.get(eventId);
    if (failure === 'permanent') throw new PermanentSinkError('the member system refuses this record', { code: 'MEMBER_SYSTEM_REFUSED' });
    if (failure === 'unmarked') throw new Error('a bug in the connector');
    if (typeof failure === 'number' && failure > 0) {
      this.failures.set(eventId, failure - 1);
      throw new RetryableSinkError('the member system answered 503');
    }
  }

  eventsOf(entityId: string): Seen[] {
    return this.events.filter((e) => e.key === entityId);
  }
}

const seen = (value: Seen['value'], ctx: StafettKafkaContext): Seen => ({
  value,
  topic: ctx.getTopic(),
  pattern: ctx.getPattern(),
  entity: ctx.getEntity(),
  partition: ctx.getPartition(),
  offset: ctx.getOffset(),
  key: ctx.getKey(),
  header: ctx.getHeader('x-test'),
});

/** A test sink connector as connector authors write one: a controller with @EventPattern handlers. */
@Controller()
class TestSinkController {
  constructor(private readonly recorder: SinkRecorder) {}

  // `<string>`: Nest 12 types the other arguments of a handler of a typed EventPattern as unknown; this keeps @Ctx() typed.
  @EventPattern<string>('stafett.person.events.v1')
  async onPersonChanged(@Payload() event: PersonChanged, @Ctx() ctx: StafettKafkaContext): Promise<void> {
    this.recorder.events.push(seen(event, ctx));
    this.recorder.failIfAsked(event.eventId);
  }

  @EventPattern<string>('stafett.person.state.v1')
  onPersonState(@Payload() person: Person | null, @Ctx() ctx: StafettKafkaContext): void {
    this.recorder.state.push(seen(person, ctx));
  }
}

@Module({})
class TestSinkModule {
  static with(recorder: SinkRecorder): DynamicModule {
    return { module: TestSinkModule, controllers: [TestSinkController], providers: [{ provide: SinkRecorder, useValue: recorder }] };
  }
}

describe(StafettKafkaTransport.name, () => {
  const prefix = `${uniqueId('sink')}.`;
  const connectorId = uniqueId('member-system');
  const kit = new SinkTopicsKit(prefix);
  const recorder = new SinkRecorder();
  // Shared by the transports before and after the restart, as one process's /metrics registry is.
  const registry = new Registry();
  let app: INestMicroservice | undefined;
  let transport: StafettKafkaTransport;

  const startSink = async (): Promise<void> => {
    transport = new StafettKafkaTransport({
      connectorId,
      kafka: kit.client,
      serde: kit.serde,
      topicPrefix: prefix,
      retry: { initialMs: 50, maxMs: 200 },
      maxAttemptsOfUnmarkedErrors: 3,
      registry,
    });
    app = await NestFactory.createMicroservice(TestSinkModule.with(recorder), { strategy: transport, logger: ['error', 'warn'] });
    await app.listen();
  };

  beforeAll(async () => {
    await kit.provision();
    await kit.readDlq();
    await startSink();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await kit.close();
  });

  it('should hand a handler the decoded PersonChanged with its topic, partition, offset, key, headers and entity', async () => {
    const event = personChanged(personState({ firstName: 'Karin' }));
    await kit.sendEvents([event], { 'x-test': 'hello' });

    const [got] = await waitFor('the event at the sink', () => (recorder.eventsOf(event.entityId).length > 0 ? recorder.eventsOf(event.entityId) : undefined));
    expect(got).toMatchObject({
      topic: `${prefix}stafett.person.events.v1`,
      pattern: 'stafett.person.events.v1',
      entity: 'person',
      key: event.entityId,
      header: 'hello',
      partition: expect.any(Number),
      offset: expect.stringMatching(/^\d+$/),
    });
    // Decoded Avro: logical types as the contract defines them (a Date for occurredAt, a string date).
    expect(got.value).toMatchObject({ eventId: event.eventId, version: 1, op: 'CREATE', occurredAt: event.occurredAt, after: { firstName: 'Karin', birthDate: '1990-01-01' } });
  });

  it('should hand a state handler the decoded person, and null for a tombstone', async () => {
    const person = personState({ firstName: 'Sigrid' });
    await kit.sendState([
      { id: person.id, value: person },
      { id: person.id, value: null },
    ]);

    const states = await waitFor('two state records', () => {
      const s = recorder.state.filter((x) => x.key === person.id);
      return s.length >= 2 ? s : undefined;
    });
    expect(states.map((s) => s.value)).toEqual([expect.objectContaining({ id: person.id, firstName: 'Sigrid' }), null]);
    expect(states[0]).toMatchObject({ pattern: 'stafett.person.state.v1', topic: `${prefix}stafett.person.state.v1` });
  });

  it('should send an undecodable message to the DLQ with provenance headers and no personal data, and still deliver the next one', async () => {
    const entityId = personState().id;
    const victim = personChanged(personState({ id: entityId, personalIdentityNumber: '198112189876', firstName: 'Hemlig' }));
    const truncated = (await kit.encodedEvent(victim)).subarray(0, 60); // the registry header and part of the body: personal bytes, unreadable
    const next = personChanged(personState({ id: entityId }), undefined, 2);
    await kit.sendEvents([{ key: entityId, raw: truncated }, { key: entityId, raw: Buffer.from('not avro at all') }, next]);

    await waitFor('the event after the poison', () => (recorder.eventsOf(entityId).length > 0 ? true : undefined));
    expect(recorder.eventsOf(entityId).map((e) => (e.value as PersonChanged).eventId)).toEqual([next.eventId]);

    const dead = await waitFor('two DLQ records', () => {
      const d = kit.dlq.filter((m) => m.key?.toString() === entityId);
      return d.length >= 2 ? d : undefined;
    });
    const headers = dead.map((m) => Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, v?.toString()])));
    expect(headers.map((h) => h[DLQ_HEADERS.errorCode])).toEqual(['UNDECODABLE', 'BAD_MAGIC_BYTE']);
    for (const h of headers) {
      expect(h).toMatchObject({
        [DLQ_HEADERS.topic]: `${prefix}stafett.person.events.v1`,
        [DLQ_HEADERS.offset]: expect.stringMatching(/^\d+$/),
        [DLQ_HEADERS.group]: `${prefix}stafett-connector-${connectorId}`,
      });
      const text = JSON.stringify(h);
      expect(text).not.toContain('198112189876');
      expect(text).not.toContain('Hemlig');
    }
    // The original bytes are kept for a person to inspect and replay.
    expect(dead[0].value).toEqual(truncated);
  });

  it('should retry a handler that fails twice with a retryable error, then see the event once more and lose nothing', async () => {
    const flaky = personState();
    const before = personChanged(personState({ id: flaky.id }));
    const failing = personChanged(flaky, undefined, 2);
    const after = personChanged(personState({ id: flaky.id }), undefined, 3);
    recorder.failures.set(failing.eventId, 2);
    const retriedBefore = transport.counts.retried;
    await kit.sendEvents([before, failing, after]);

    await waitFor('the event after the flaky one', () => (recorder.eventsOf(flaky.id).some((e) => (e.value as PersonChanged).eventId === after.eventId) ? true : undefined));
    // Three calls for the failing event (two failures, one success), one for each of the others, in order.
    expect(recorder.eventsOf(flaky.id).map((e) => (e.value as PersonChanged).version)).toEqual([1, 2, 2, 2, 3]);
    expect(transport.counts.retried - retriedBefore).toBe(2);
    expect(kit.dlq.filter((m) => m.key?.toString() === flaky.id)).toEqual([]);
  });

  it('should send a message whose handler throws PermanentSinkError to the DLQ with its code, and go on', async () => {
    const refused = personState();
    const refusedEvent = personChanged(refused);
    const other = personChanged(personState({ id: refused.id }), undefined, 2);
    recorder.failures.set(refusedEvent.eventId, 'permanent');
    await kit.sendEvents([refusedEvent]);
    const dead = await waitFor('the refused event in the DLQ', () => kit.dlq.find((m) => m.key?.toString() === refused.id));
    expect(dead.headers[DLQ_HEADERS.errorCode]?.toString()).toBe('MEMBER_SYSTEM_REFUSED');
    expect(dead.headers[DLQ_HEADERS.errorMessage]?.toString()).toBe('the member system refuses this record');

    await kit.sendEvents([other]);
    await waitFor('the next event of that partition', () => (recorder.eventsOf(refused.id).some((e) => (e.value as PersonChanged).eventId === other.eventId) ? true : undefined));
    expect(recorder.eventsOf(refused.id)).toHaveLength(2); // the refused one once (no retry), the next one once
  });

  it('should try an unmarked handler error a bounded number of times, then dead-letter it instead of blocking the partition', async () => {
    const buggy = personState();
    const event = personChanged(buggy);
    recorder.failures.set(event.eventId, 'unmarked');
    await kit.sendEvents([event]);
    const dead = await waitFor('the event in the DLQ', () => kit.dlq.find((m) => m.key?.toString() === buggy.id));
    expect(dead.headers[DLQ_HEADERS.errorCode]?.toString()).toBe('SINK_HANDLER_FAILED');
    expect(recorder.eventsOf(buggy.id)).toHaveLength(3);
  });

  it('should not deliver a change the connector made itself (echo suppression), and deliver one from another source', async () => {
    const person = personState();
    const own = personChanged(person, { system: 'member-system', connectorId });
    const foreign = personChanged(person, { system: 'federation', connectorId: 'federation-sync' }, 2);
    const suppressedBefore = transport.counts.echo_suppressed;
    await kit.sendEvents([own, foreign]);

    await waitFor('the foreign change', () => (recorder.eventsOf(person.id).length > 0 ? true : undefined));
    expect(recorder.eventsOf(person.id).map((e) => (e.value as PersonChanged).eventId)).toEqual([foreign.eventId]);
    expect(transport.counts.echo_suppressed - suppressedBefore).toBe(1);
    const metric = await registry.getSingleMetric('stafett_connector_sink_messages_total')!.get();
    expect(metric.values.find((v) => v.labels.outcome === 'echo_suppressed')).toMatchObject({
      labels: { connector: connectorId, topic: 'stafett.person.events.v1', outcome: 'echo_suppressed' },
      value: 1,
    });
  });

  it('should resume after the last committed offset when the connector restarts', async () => {
    const person = personState();
    const first = personChanged(person);
    await kit.sendEvents([first]);
    await waitFor('the first event', () => (recorder.eventsOf(person.id).length > 0 ? true : undefined));

    await app!.close(); // commits and leaves the group
    const whileDown = personChanged(personState({ id: person.id }), undefined, 2);
    await kit.sendEvents([whileDown]);
    const deliveredBefore = recorder.events.length;
    await startSink();

    await waitFor('the event sent while the connector was down', () => (recorder.eventsOf(person.id).length >= 2 ? true : undefined));
    // Give a redelivery of anything committed before the restart the time to show up: none must.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(recorder.events.slice(deliveredBefore).map((e) => (e.value as PersonChanged).eventId)).toEqual([whileDown.eventId]);
  });
});

describe(`${StafettKafkaTransport.name} handlers it cannot serve`, () => {
  @Controller()
  class WrongTopicController {
    @EventPattern<string>('stafett.person.imports.v1')
    onImport(): void {}
  }

  @Controller()
  class RequestReplyController {
    @MessagePattern('stafett.person.events.v1')
    onRequest(): string {
      return 'reply';
    }
  }

  const kit = new SinkTopicsKit(`${uniqueId('sink-bad')}.`);
  afterAll(() => kit.close());

  it.each([
    ['a topic that is no events or state topic', WrongTopicController, /@EventPattern\("stafett\.person\.imports\.v1"\) is not a topic a sink can follow/],
    ['a request/reply @MessagePattern', RequestReplyController, /a sink transport delivers events only; use @EventPattern/],
  ])('should refuse to start with %s, naming the pattern', async (_what, controller, message) => {
    @Module({ controllers: [controller] })
    class BadModule {}
    const strategy = new StafettKafkaTransport({ connectorId: 'bad', kafka: kit.client, serde: kit.serde, topicPrefix: kit.names.prefix });
    const app = await NestFactory.createMicroservice(BadModule, { strategy, logger: false });
    await expect(app.listen()).rejects.toThrow(message);
    await app.close();
  });
});

/** A batch handler, as a projection writes one: the slice at once; refuses some entities for good. */
@Controller()
class BatchSinkController {
  static readonly slices: number[] = [];
  static readonly delivered: string[] = [];
  static readonly refused = new Set<string>();

  @EventPattern<string>('stafett.person.events.v1', { batch: true })
  onPeople(@Payload() slice: SinkBatch<PersonChanged>): void {
    const refused = slice.find((i) => BatchSinkController.refused.has(`${i.value.entityId}:${i.value.version}`));
    if (refused) throw new PermanentSinkError('the register refuses this person', { code: 'REGISTER_REFUSED' });
    BatchSinkController.slices.push(slice.length);
    BatchSinkController.delivered.push(...slice.map((i) => `${i.context.getKey()}:${i.value.version}`));
  }
}

@Module({ controllers: [BatchSinkController] })
class BatchSinkModule {}

describe(`${StafettKafkaTransport.name} with a batch handler`, () => {
  const prefix = `${uniqueId('sinkb')}.`;
  const kit = new SinkTopicsKit(prefix);
  let app: INestMicroservice | undefined;

  beforeAll(async () => {
    await kit.provision();
    await kit.readDlq();
    const transport = new StafettKafkaTransport({ connectorId: uniqueId('projection'), kafka: kit.client, serde: kit.serde, topicPrefix: prefix, maxBatchSize: 500, retry: { initialMs: 50, maxMs: 200 } });
    app = await NestFactory.createMicroservice(BatchSinkModule, { strategy: transport, logger: ['error', 'warn'] });
    await app.listen();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await kit.close();
  });

  it('should hand over slices of a partition at once, each event once', async () => {
    const key = personState().id;
    const events = Array.from({ length: 40 }, (_, i) => personChanged(personState({ id: key }), undefined, i + 1));
    await kit.sendEvents(events);
    await waitFor('all 40 events delivered', () => (BatchSinkController.delivered.length >= 40 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(BatchSinkController.delivered).toEqual(events.map((e) => `${key}:${e.version}`));
    expect(Math.max(...BatchSinkController.slices)).toBeGreaterThan(1);
  });

  it('should dead-letter only the poison and the refused event of a slice, and deliver the others once', async () => {
    BatchSinkController.delivered.length = 0;
    const key = personState().id; // one partition: the poison and the refused event sit between deliverable events
    const events = Array.from({ length: 10 }, (_, i) => personChanged(personState({ id: key }), undefined, i + 1));
    const refused = personChanged(personState({ id: key }), undefined, 100);
    BatchSinkController.refused.add(`${key}:100`);
    await kit.sendEvents([...events.slice(0, 5), { key, raw: Buffer.from('not avro') }, refused, ...events.slice(5)]);

    await waitFor('all 10 events delivered', () => (BatchSinkController.delivered.length >= 10 ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(BatchSinkController.delivered).toEqual(events.map((e) => `${key}:${e.version}`));
    const dead = await waitFor('two DLQ records', () => (kit.dlq.length >= 2 ? kit.dlq : undefined));
    expect(dead.map((m) => m.headers[DLQ_HEADERS.errorCode]?.toString()).sort()).toEqual(['BAD_MAGIC_BYTE', 'REGISTER_REFUSED']);
  });
});
