import { ProblemException } from '@stafett/api';
import { contractType, entityContracts, type PersonChanged } from '@stafett/contracts';
import { AvroSerde, PermanentError, TransientError, type SchemaRegistryPort } from '@stafett/kafka';
import { ChangesMetrics } from '../../metrics/changes-metrics';
import { person, personChanged } from '../../test/changes-topics.harness';
import { ChangeRenderer } from './change-renderer';

const PERSON = '3f1c8b1e-0000-4000-8000-0000000000aa';
const CLUB = '3f1c8b1e-0000-4000-8000-0000000000bb';
const event: PersonChanged = personChanged(person(PERSON, [CLUB]));

/** A registry holding one schema (the person contract under id 9), or away. */
class FakeRegistry implements SchemaRegistryPort {
  away = false;
  register(): Promise<number> {
    return Promise.resolve(9);
  }
  schemaById(id: number): Promise<string> {
    if (this.away) return Promise.reject(new TransientError('REGISTRY_UNAVAILABLE', 'connect ECONNREFUSED 127.0.0.1:8081'));
    return id === 9 ? Promise.resolve(JSON.stringify(contractType(entityContracts('person').changed).schema({ exportAttrs: true }))) : Promise.reject(new PermanentError('UNKNOWN_SCHEMA', `schema ${id} not found`));
  }
}

describe(ChangeRenderer.name, () => {
  let registry: FakeRegistry;
  let renderer: ChangeRenderer;
  let metrics: ChangesMetrics;
  let avro: Buffer;

  beforeEach(async () => {
    registry = new FakeRegistry();
    const serde = new AvroSerde(registry);
    metrics = new ChangesMetrics();
    renderer = new ChangeRenderer(serde, metrics);
    avro = (await serde.encoderFor<PersonChanged>('stafett.person.events.v1', contractType(entityContracts('person').changed)))(event);
  });

  it('should answer an event kept as bytes as the REST API writes JSON: dates YYYY-MM-DD, instants ISO 8601 UTC, in the contract order', async () => {
    const json = await renderer.render({ seq: '1', entity: 'person', event: null, avro });
    const { eventId, entityId, version, op, occurredAt, source, correlationId, causationId, before, after, changedFields } = event;
    // The contract's field order (the test event was built in another).
    const expected = { eventId, entityId, version, op, occurredAt: occurredAt.toISOString(), source, correlationId, causationId, before, after, changedFields };
    expect(JSON.stringify(json)).toBe(JSON.stringify(expected));
  });

  it('should answer a row stored as JSON before the log kept the bytes as it was', async () => {
    const stored = { eventId: 'e', version: 3 };
    expect(await renderer.render({ seq: '1', entity: 'person', event: stored, avro: null })).toBe(stored);
  });

  it('should answer 503 with Retry-After while the registry is away, and render the row once it is back', async () => {
    registry.away = true;
    const refused = await renderer.render({ seq: '1', entity: 'person', event: null, avro }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ProblemException);
    expect((refused as ProblemException).problem).toMatchObject({ status: 503, detail: expect.stringContaining('schema registry') });
    expect((refused as ProblemException).headers).toEqual({ 'Retry-After': '5' });
    registry.away = false;
    expect(await renderer.render({ seq: '1', entity: 'person', event: null, avro })).toMatchObject({ entityId: PERSON, after: { birthDate: '2010-05-17', memberships: [{ organisationId: CLUB, from: '2020-01-01', to: null }] } });
  });

  it('should leave out a row whose writer schema the registry no longer has, and count it, so the page and the cursor go on', async () => {
    const orphan = Buffer.from(avro);
    orphan.writeUInt32BE(77, 1); // a schema id the registry does not know (deleted for good)
    expect(await renderer.render({ seq: '12', entity: 'person', event: null, avro: orphan })).toBeUndefined();
    expect((await metrics.unreadable.get()).values).toEqual([{ labels: { entity: 'person' }, value: 1 }]);
  });

  afterEach(() => metrics.onModuleDestroy());
});
