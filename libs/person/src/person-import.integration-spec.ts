/**
 * The person service end to end on the real broker, registry and Postgres: import records in,
 * rules applied, events, state and results out (the person module as a service runs it).
 */
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { ImportResult, PersonImportPayload } from '@stafett/contracts';
import { invalidLuhn } from '@stafett/domain';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { PersonModule } from './person.module';
import { PersonTopicsHarness } from './test/person-topics.harness';
import { validPerson } from './test/person-factory';
import { createPersonTestApp } from './test/person-test-app';

describe(PersonModule.name, () => {
  const prefix = `${uniqueId('person')}.`;
  const topics = new PersonTopicsHarness(prefix);
  let app: INestApplication;
  let db: DataSource;

  beforeAll(async () => {
    app = await createPersonTestApp(testConfig({ STAFETT_TOPIC_PREFIX: prefix }));
    db = app.get<DataSource>(getDataSourceToken());
    await topics.startReading();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await topics.close();
  });

  const storedByPnr = async (pnrs: string[]): Promise<number> =>
    Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM person.person WHERE personal_identity_number = ANY($1)', [pnrs]))[0].n);

  describe('1,000 records, 5% invalid in several ways', () => {
    // 950 valid; 50 invalid, ten of each kind, each expected to name its field and rule.
    const invalidKinds: { field: string; code: string; make: (p: PersonImportPayload) => PersonImportPayload }[] = [
      { field: 'personalIdentityNumber', code: 'INVALID_CHECKSUM', make: (p) => ({ ...p, personalIdentityNumber: invalidLuhn(p.personalIdentityNumber!) }) },
      // validPerson is born 1950–2009, so this date never agrees with the personnummer.
      { field: 'birthDate', code: 'BIRTH_DATE_MISMATCH', make: (p) => ({ ...p, birthDate: '1949-12-31' }) },
      { field: 'address.postalCode', code: 'INVALID_POSTAL_CODE', make: (p) => ({ ...p, address: { ...p.address!, postalCode: '1234' } }) },
      { field: 'email', code: 'INVALID_EMAIL', make: (p) => ({ ...p, email: 'not-an-email' }) },
      { field: 'lastName', code: 'REQUIRED', make: (p) => ({ ...p, lastName: null }) },
    ];
    const items = Array.from({ length: 1_000 }, (_, i) => {
      const person = validPerson(i);
      const kind = i % 20 === 7 ? invalidKinds[Math.floor(i / 20) % invalidKinds.length] : undefined;
      return { externalId: `member-${i}`, payload: kind ? kind.make(person) : person, kind };
    });
    let first: Map<string, ImportResult>;

    it('should publish 950 PersonChanged events and 50 REJECTED results naming field and rule', async () => {
      const records = await topics.importRecords('club-system', items);
      first = await topics.resultsOf(records);
      const outcomes = [...first.values()].map((r) => r.outcome);
      expect(outcomes.filter((o) => o === 'CREATED')).toHaveLength(950);
      expect(outcomes.filter((o) => o === 'REJECTED')).toHaveLength(50);

      records.forEach((r, i) => {
        const kind = items[i].kind;
        if (kind) expect(first.get(r.recordId)).toMatchObject({ outcome: 'REJECTED', entityId: null, reasons: [{ field: kind.field, code: kind.code, message: expect.any(String) }] });
      });
      const created = new Set([...first.values()].filter((r) => r.outcome === 'CREATED').map((r) => r.entityId));
      await waitFor('950 events', () => (topics.events.filter((e) => created.has(e.value.entityId)).length >= 950 ? true : undefined));
      const events = topics.events.filter((e) => created.has(e.value.entityId));
      expect(events).toHaveLength(950);
      expect(events.every((e) => e.value.op === 'CREATE' && e.value.version === 1 && e.value.before === null)).toBe(true);
      const sample = events.find((e) => e.value.causationId === records[0].recordId)!.value;
      expect(sample).toMatchObject({
        source: { system: 'club-system' },
        after: { firstName: 'Förnamn0', phone: expect.stringMatching(/^\+467\d{8}$/), address: { postalCode: '11455' }, externalIds: [{ system: 'club-system', id: 'member-0' }] },
      });
    });

    it('should store nothing of a rejected record', async () => {
      const rejectedPnrs = items.filter((i) => i.kind).map((i) => i.payload.personalIdentityNumber!);
      const acceptedPnrs = items.filter((i) => !i.kind).map((i) => i.payload.personalIdentityNumber!);
      expect(await storedByPnr(acceptedPnrs)).toBe(950);
      expect(await storedByPnr(rejectedPnrs)).toBe(0);
      const links = await db.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM person.external_id WHERE system = 'club-system' AND external_id = ANY($1)`,
        [items.filter((i) => i.kind).map((i) => i.externalId)],
      );
      expect(links[0].n).toBe('0');
    });

    it('should store each created person as its event says (batches of new persons are written by COPY)', async () => {
      const created = [...first.values()].filter((r) => r.outcome === 'CREATED').map((r) => r.entityId!);
      const stored = await db.query<{ id: string; first_name: string; last_name: string; birth_date: string; sex: string; address: unknown; email: string; phone: string; version: string }[]>(
        `SELECT id, first_name, last_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, sex, address, email, phone, version FROM person.person WHERE id = ANY($1::uuid[])`,
        [created],
      );
      const after = new Map(topics.events.filter((e) => created.includes(e.value.entityId)).map((e) => [e.value.entityId, e.value.after!]));
      expect(stored).toHaveLength(950);
      const differing = stored.filter((row) => {
        const a = after.get(row.id)!;
        return (
          row.first_name !== a.firstName ||
          row.last_name !== a.lastName ||
          row.birth_date !== a.birthDate ||
          row.sex !== a.sex ||
          ['street', 'postalCode', 'city', 'countryCode'].some((k) => (row.address as Record<string, unknown> | null)?.[k] !== a.address?.[k as keyof typeof a.address]) ||
          row.email !== a.email ||
          row.phone !== a.phone ||
          row.version !== '1'
        );
      });
      expect(differing).toEqual([]);
    });

    it('should emit nothing when the same 1,000 are imported again: 950 UNCHANGED', async () => {
      const eventsBefore = topics.events.length;
      const again = await topics.importRecords('club-system', items);
      const results = [...(await topics.resultsOf(again)).values()];
      expect(results.filter((r) => r.outcome === 'UNCHANGED')).toHaveLength(950);
      expect(results.filter((r) => r.outcome === 'REJECTED')).toHaveLength(50);
      // Results and events leave through the same outbox in order; give the events reader a moment to catch up.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(topics.events.length).toBe(eventsBefore);
    });

    it('should let a second source change only its fields, and say which in changedFields', async () => {
      const target = items[3];
      const original = [...first.values()].find((r) => r.externalId === target.externalId)!;
      const [record] = await topics.importRecords('spar', [
        { externalId: 'spar-1', payload: { personalIdentityNumber: target.payload.personalIdentityNumber, address: { street: 'Nygatan 2', postalCode: '41101', city: 'Göteborg', countryCode: 'SE' } } },
      ]);
      const result = (await topics.resultsOf([record])).get(record.recordId)!;
      expect(result).toMatchObject({ outcome: 'UPDATED', entityId: original.entityId, version: 2 });
      const event = await waitFor('the update event', () => topics.events.find((e) => e.value.causationId === record.recordId)?.value);
      expect(event.changedFields).toEqual(['address', 'externalIds']);
      expect(event.before).toMatchObject({ firstName: 'Förnamn3', address: { city: 'Stockholm' } });
      expect(event.after).toMatchObject({
        firstName: 'Förnamn3',
        email: 'person3@example.se',
        address: { street: 'Nygatan 2', postalCode: '41101', city: 'Göteborg' },
        externalIds: [{ system: 'club-system', id: 'member-3' }, { system: 'spar', id: 'spar-1' }],
      });
    });
  });

  it('should expose records in, outcomes by code, outbox backlog, consumer lag and the durations of transactions and relay rounds on /metrics', async () => {
    const metrics = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
    // Where a record's time goes: every import transaction and every relay round that published, as histograms.
    expect(metrics).toMatch(/stafett_import_transaction_seconds_count\{entity="person"\} [1-9]\d*/);
    expect(metrics).toMatch(/stafett_import_transaction_seconds_bucket\{le="0.1",entity="person"\} \d+/);
    expect(metrics).toMatch(/stafett_outbox_relay_round_seconds_count\{entity="person"\} [1-9]\d*/);
    expect(metrics).toMatch(/stafett_import_records_total\{entity="person"\} [1-9]\d*/);
    expect(metrics).toMatch(/stafett_import_outcomes_total\{entity="person",outcome="REJECTED",code="INVALID_CHECKSUM"\} 20/);
    expect(metrics).toMatch(/stafett_outbox_backlog\{entity="person"\} \d+/);
    expect(metrics).toMatch(/stafett_consumer_lag\{entity="person",group="[^"]+",topic="[^"]+"\} \d+/);
  });

  it('should reject a record whose link and personnummer point at two different persons', async () => {
    const a = validPerson(2001);
    const b = validPerson(2002);
    const created = await topics.importRecords('club-system', [{ externalId: 'amb-a', payload: a }, { externalId: 'amb-b', payload: b }]);
    await topics.resultsOf(created);
    const [conflict] = await topics.importRecords('club-system', [{ externalId: 'amb-a', payload: { personalIdentityNumber: b.personalIdentityNumber } }]);
    const result = (await topics.resultsOf([conflict])).get(conflict.recordId);
    expect(result).toMatchObject({ outcome: 'REJECTED', reasons: [{ code: 'AMBIGUOUS_MATCH', field: 'personalIdentityNumber' }] });
  });

  it('should erase a protected identity: tombstone, no personal data on any topic afterwards, later imports rejected', async () => {
    const person = validPerson(3001, { lastName: 'Skyddadsson', email: 'skyddad@example.se' });
    const [created] = await topics.importRecords('club-system', [{ externalId: 'prot-1', payload: person }]);
    const id = (await topics.resultsOf([created])).get(created.recordId)!.entityId!;
    const rawBefore = topics.raw.length;

    const [flag] = await topics.importRecords('spar', [{ externalId: 'spar-prot-1', payload: { personalIdentityNumber: person.personalIdentityNumber, protectedIdentity: true } }]);
    expect((await topics.resultsOf([flag])).get(flag.recordId)).toMatchObject({ outcome: 'DELETED', entityId: id, version: 2 });
    const [later] = await topics.importRecords('other-club', [{ externalId: 'x-9', payload: { ...person } }]);
    expect((await topics.resultsOf([later])).get(later.recordId)).toMatchObject({ outcome: 'REJECTED', entityId: null, reasons: [{ code: 'PROTECTED_IDENTITY' }] });

    const tombstone = await waitFor('the tombstone', () => topics.state.find((s) => s.message.key?.toString() === id && s.value === null));
    expect(tombstone.value).toBeNull();
    const deleted = await waitFor('the delete event', () => topics.events.find((e) => e.value.entityId === id && e.value.op === 'DELETE')?.value);
    expect(deleted).toMatchObject({ version: 2, before: null, after: null, changedFields: [] });

    // Every record on every output topic since the flag: none carries the person's data.
    const since = topics.raw.slice(rawBefore);
    const leaks = since.filter((m) =>
      [person.personalIdentityNumber!, 'Skyddadsson', 'skyddad@example.se'].some((s) => (m.value?.includes(Buffer.from(s)) ?? false) || (m.key?.includes(Buffer.from(s)) ?? false)),
    );
    expect({ checked: since.length > 0, leaks }).toEqual({ checked: true, leaks: [] });
    expect(await storedByPnr([person.personalIdentityNumber!])).toBe(0);
  });

  it('should give a record that ends in the DLQ a REJECTED result, so its batch completes', async () => {
    const [poison, good] = await topics.importRecords('club-system', [
      { externalId: 'nul\u0000member', payload: validPerson(5001) },
      { externalId: 'after-nul', payload: validPerson(5002) },
    ]);
    const results = await topics.resultsOf([poison, good]);
    expect(results.get(poison.recordId)).toMatchObject({ outcome: 'REJECTED', entityId: null, externalId: 'nulmember', reasons: [{ code: 'DEAD_LETTERED', field: null, message: expect.any(String) }] });
    expect(results.get(good.recordId)).toMatchObject({ outcome: 'CREATED' });
    await waitFor('the record in the DLQ', () => topics.raw.find((m) => m.topic === topics.names.dlq && m.key?.toString() === 'club-system:nul\u0000member'));
  });
});
