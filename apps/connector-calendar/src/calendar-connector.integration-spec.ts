/**
 * The calendar connector end to end (issue 12): real broker, registry and Postgres; the state
 * topics carry real Avro records produced through the registry with the relay's version header.
 * What is asserted is what a subscriber and an API client observe: the VEVENTs of the feed (read by
 * the independent parser ical.js), status codes and bodies.
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { ApiKeyService } from '@stafett/api';
import type { StafettKafkaTransport } from '@stafett/connector-sdk';
import { testConfig, uniqueId, waitFor } from '@stafett/testing';
import { createCalendarConnector } from './create-calendar-connector';
import { activity, CalendarStateKit, group, nextLastSunday, organisation, person } from './test/calendar-state.kit';

const ADMIN_KEY = `admin-${randomUUID()}-calendar`;

interface ParsedEvent {
  readonly uid: string;
  readonly sequence: number;
  readonly summary: string;
  readonly status: string | null;
  readonly localStart: string;
  readonly utcStart: string;
}

function parseFeed(ics: string): ParsedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  return calendar.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    const s = e.startDate;
    return {
      uid: e.uid,
      sequence: e.sequence,
      summary: e.summary,
      status: (v.getFirstPropertyValue('status') as string | null) ?? null,
      localStart: `${s.zone?.tzid ?? 'floating'} ${String(s.hour).padStart(2, '0')}:${String(s.minute).padStart(2, '0')}`,
      utcStart: s.toJSDate().toISOString(),
    };
  });
}

describe('connector-calendar', () => {
  const prefix = `${uniqueId('calendar')}.`;
  const kit = new CalendarStateKit(prefix);
  let app: NestExpressApplication;
  let sink: StafettKafkaTransport;
  let base: string;
  const keys: Record<'admin' | 'read' | 'clubA' | 'clubB', string> = { admin: ADMIN_KEY, read: '', clubA: '', clubB: '' };

  const ids = {
    federation: randomUUID(),
    clubA: randomUUID(),
    sectionA1: randomUUID(),
    clubB: randomUUID(),
    groupA: randomUUID(),
    groupB: randomUUID(),
    person: randomUUID(),
    spring: randomUUID(),
    autumn: randomUUID(),
    cancelled: randomUUID(),
    section: randomUUID(),
    clubBActivity: randomUUID(),
    old: randomUUID(),
  };
  const now = new Date();
  const spring = nextLastSunday(now, 2, 16); // 16:00Z on the last Sunday of March: 18:00 CEST
  const autumn = nextLastSunday(now, 9, 16); // 16:00Z on the last Sunday of October: 17:00 CET
  const inAWeek = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 7, 17));

  const api = (key: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  const createFeed = async (key: string, kind: string, id: string): Promise<{ feedId: string; url: string }> => {
    const res = await api(key, 'POST', '/v1/calendar-feeds', { kind, id });
    expect(res.status).toBe(201);
    return (await res.json()) as { feedId: string; url: string };
  };

  /** The feed's events once `ready` holds for them (the projection follows the topics asynchronously). */
  const feedWhen = (url: string, what: string, ready: (events: ParsedEvent[]) => boolean): Promise<{ events: ParsedEvent[]; ics: string; etag: string }> =>
    waitFor(what, async () => {
      const res = await fetch(url);
      if (res.status !== 200) return undefined;
      const ics = await res.text();
      const events = parseFeed(ics);
      return ready(events) ? { events, ics, etag: res.headers.get('etag')! } : undefined;
    });

  beforeAll(async () => {
    await kit.provision();
    ({ app, sink } = await createCalendarConnector(testConfig({ STAFETT_TOPIC_PREFIX: prefix, STAFETT_ADMIN_API_KEY: ADMIN_KEY }), { quiet: true }));
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    const apiKeys = app.get(ApiKeyService);
    keys.read = (await apiKeys.create({ name: uniqueId('read'), roles: ['read'], expiresAt: null, organisationId: null })).key;
    keys.clubA = (await apiKeys.create({ name: uniqueId('club-a'), roles: ['read', 'import'], expiresAt: null, organisationId: ids.clubA })).key;
    keys.clubB = (await apiKeys.create({ name: uniqueId('club-b'), roles: ['read', 'import'], expiresAt: null, organisationId: ids.clubB })).key;

    await kit.send('organisation', [
      { id: ids.federation, version: 1, value: organisation(ids.federation, 'Svenska Stafettförbundet', null, 'FEDERATION') },
      { id: ids.clubA, version: 1, value: organisation(ids.clubA, 'IK Alfa', ids.federation) },
      { id: ids.sectionA1, version: 1, value: organisation(ids.sectionA1, 'IK Alfa Ungdom', ids.clubA, 'SECTION') },
      { id: ids.clubB, version: 1, value: organisation(ids.clubB, 'IF Beta', ids.federation) },
    ]);
    await kit.send('person', [{ id: ids.person, version: 1, value: person(ids.person, [ids.clubA]) }]);
    await kit.send('group', [
      { id: ids.groupA, version: 1, value: group(ids.groupA, ids.clubA, 'P15 Blå', [ids.person]) },
      { id: ids.groupB, version: 1, value: group(ids.groupB, ids.clubB, 'F12 Röd') },
    ]);
    const takesPart = [{ personId: ids.person, role: 'PARTICIPANT' as const, attended: false }];
    await kit.send('activity', [
      { id: ids.spring, version: 1, value: activity(ids.spring, ids.clubA, ids.groupA, spring, { title: 'Vårträning', participants: takesPart }) },
      { id: ids.autumn, version: 1, value: activity(ids.autumn, ids.clubA, ids.groupA, autumn, { title: 'Höstträning', participants: takesPart }) },
      { id: ids.cancelled, version: 3, value: activity(ids.cancelled, ids.clubA, ids.groupA, inAWeek, { title: 'Inställd träning', status: 'CANCELLED' }) },
      { id: ids.section, version: 1, value: activity(ids.section, ids.sectionA1, null, inAWeek, { title: 'Ungdomsmöte', type: 'MEETING' }) },
      { id: ids.clubBActivity, version: 1, value: activity(ids.clubBActivity, ids.clubB, ids.groupB, inAWeek, { title: 'Betaträning' }) },
      // Outside the window (two months ago): never in a feed.
      { id: ids.old, version: 1, value: activity(ids.old, ids.clubA, ids.groupA, new Date(now.getTime() - 60 * 24 * 3600_000), { title: 'Gammal träning' }) },
    ]);
    // The projection has what the tests need once the group's feed shows its three activities.
    const { url } = await waitFor('group A in the projection', async () => {
      const res = await api(ADMIN_KEY, 'POST', '/v1/calendar-feeds', { kind: 'group', id: ids.groupA });
      return res.status === 201 ? ((await res.json()) as { url: string }) : undefined;
    });
    await feedWhen(url, 'the activities of group A', (es) => es.length === 3);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await kit.close();
  });

  it('should serve a group feed that ical.js reads with local Stockholm times across both DST switches', async () => {
    const { url } = await createFeed(keys.clubA, 'group', ids.groupA);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const events = parseFeed(await res.text());
    expect(events.map((e) => [e.uid, e.summary, e.localStart, e.utcStart])).toEqual(
      [
        [`${ids.cancelled}@stafett`, 'Inställd träning', expect.stringMatching(/^Europe\/Stockholm /), inAWeek.toISOString()],
        [`${ids.spring}@stafett`, 'Vårträning', 'Europe/Stockholm 18:00', spring.toISOString()],
        [`${ids.autumn}@stafett`, 'Höstträning', 'Europe/Stockholm 17:00', autumn.toISOString()],
      ].sort((a, b) => (a[3] < b[3] ? -1 : 1)),
    );
  });

  it('should keep a cancelled activity in the feed with STATUS:CANCELLED', async () => {
    const { url } = await createFeed(keys.clubA, 'group', ids.groupA);
    const { events } = await feedWhen(url, 'the feed', (es) => es.length === 3);
    expect(events.find((e) => e.uid === `${ids.cancelled}@stafett`)).toMatchObject({ status: 'CANCELLED', sequence: 3 });
  });

  it('should keep the UID and raise SEQUENCE when an activity moves, and answer 304 while nothing changes', async () => {
    const { url } = await createFeed(keys.clubA, 'group', ids.groupA);
    const before = await feedWhen(url, 'the feed', (es) => es.length === 3);
    expect((await fetch(url, { headers: { 'if-none-match': before.etag } })).status).toBe(304);

    const moved = new Date(spring.getTime() + 3600_000);
    await kit.send('activity', [
      {
        id: ids.spring,
        version: 2,
        value: activity(ids.spring, ids.clubA, ids.groupA, moved, { title: 'Vårträning', participants: [{ personId: ids.person, role: 'PARTICIPANT', attended: false }] }),
      },
    ]);
    const after = await feedWhen(url, 'the moved activity', (es) => es.some((e) => e.uid === `${ids.spring}@stafett` && e.sequence === 2));
    expect(after.events.find((e) => e.uid === `${ids.spring}@stafett`)).toMatchObject({ sequence: 2, localStart: 'Europe/Stockholm 19:00', utcStart: moved.toISOString() });
    expect(after.etag).not.toBe(before.etag);
    const stale = await fetch(url, { headers: { 'if-none-match': before.etag } });
    expect(stale.status).toBe(200);
    const fresh = await fetch(url, { headers: { 'if-none-match': after.etag } });
    expect(fresh.status).toBe(304);
    expect(await fresh.text()).toBe('');
  });

  it('should show an organisation its own and its subtree’s activities, not another club’s', async () => {
    const { url } = await createFeed(keys.clubA, 'organisation', ids.clubA);
    const { events } = await feedWhen(url, 'the organisation feed', (es) => es.length === 4);
    expect(events.map((e) => e.summary).sort()).toEqual(['Höstträning', 'Inställd träning', 'Ungdomsmöte', 'Vårträning']);
  });

  it('should show a person their activities and never their personnummer, name, e-mail or phone', async () => {
    const { url } = await createFeed(keys.clubA, 'person', ids.person);
    const { events, ics } = await feedWhen(url, 'the person feed', (es) => es.length === 2);
    expect(events.map((e) => e.summary).sort()).toEqual(['Höstträning', 'Vårträning']);
    const unfolded = ics.replace(/\r\n[ \t]/g, '');
    for (const secret of ['201203142389', '20120314-2389', '1203142389', 'Elsa', 'Hemligsson', 'elsa.hemligsson@example.org', '+46709876543', '0709876543', 'Hemliga vägen']) {
      expect(unfolded).not.toContain(secret);
    }
  });

  it('should answer 404 for a revoked, an unknown and a malformed token, the same way', async () => {
    const { feedId, url } = await createFeed(keys.clubA, 'group', ids.groupA);
    expect((await fetch(url)).status).toBe(200);
    expect((await api(keys.clubA, 'DELETE', `/v1/calendar-feeds/${feedId}`)).status).toBe(204);
    const revoked = await fetch(url);
    const unknown = await fetch(`${base}/calendar/${'A'.repeat(43)}.ics`);
    const malformed = await fetch(`${base}/calendar/not-a-token%00.ics`);
    const huge = await fetch(`${base}/calendar/${'x'.repeat(4000)}.ics`);
    for (const res of [revoked, unknown, malformed, huge]) {
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('Not found\n');
    }
    expect((await api(keys.clubA, 'DELETE', `/v1/calendar-feeds/${feedId}`)).status).toBe(404);
  });

  it('should list feeds without tokens, and only the key’s own subtree', async () => {
    const a = await createFeed(keys.clubA, 'group', ids.groupA);
    const b = await createFeed(keys.clubB, 'group', ids.groupB);
    const listA = (await (await api(keys.clubA, 'GET', '/v1/calendar-feeds')).json()) as { items: { feedId: string }[] };
    expect(listA.items.map((i) => i.feedId)).toContain(a.feedId);
    expect(listA.items.map((i) => i.feedId)).not.toContain(b.feedId);
    const token = a.url.slice(a.url.lastIndexOf('/') + 1, -'.ics'.length);
    expect(JSON.stringify(listA)).not.toContain(token);
    // Club A cannot revoke club B's feed: it does not exist for it.
    expect((await api(keys.clubA, 'DELETE', `/v1/calendar-feeds/${b.feedId}`)).status).toBe(404);
    expect((await fetch(b.url)).status).toBe(200);
  });

  it('should drop a deleted activity (tombstone) from the feed', async () => {
    const { url } = await createFeed(keys.clubB, 'group', ids.groupB);
    await feedWhen(url, 'club B’s activity', (es) => es.length === 1);
    await kit.send('activity', [{ id: ids.clubBActivity, version: 2, value: null }]);
    const { ics } = await feedWhen(url, 'the deleted activity to vanish', (es) => es.length === 0);
    expect(ics).not.toContain(ids.clubBActivity);
  });

  it('should revoke an erased person’s feeds and drop them from the activities', async () => {
    const { url } = await createFeed(ADMIN_KEY, 'person', ids.person);
    await feedWhen(url, 'the person feed', (es) => es.length === 2);
    await kit.send('person', [{ id: ids.person, version: 2, value: null }]);
    await waitFor('the erased person’s feed to vanish', async () => ((await fetch(url)).status === 404 ? true : undefined));
    expect((await api(ADMIN_KEY, 'POST', '/v1/calendar-feeds', { kind: 'person', id: ids.person })).status).toBe(404);
  });

  it('should dead-letter a state record it cannot place (no entity id key) and go on', async () => {
    const before = sink.counts.dead_lettered;
    await kit.send('activity', [{ id: 'not-an-entity-id', version: 1, value: activity(randomUUID(), ids.clubA, ids.groupA, inAWeek, { title: 'Utan nyckel' }) }]);
    await waitFor('the record in the DLQ', () => (sink.counts.dead_lettered > before ? true : undefined));
    const { url } = await createFeed(keys.clubA, 'group', ids.groupA);
    const later = randomUUID();
    await kit.send('activity', [{ id: later, version: 1, value: activity(later, ids.clubA, ids.groupA, inAWeek, { title: 'Efter DLQ' }) }]);
    const { events } = await feedWhen(url, 'the next activity', (es) => es.some((e) => e.summary === 'Efter DLQ'));
    expect(events.map((e) => e.summary)).not.toContain('Utan nyckel');
  });

  describe('hostile requests', () => {
    it('should refuse a request without a key (401) and a read key creating a feed (403)', async () => {
      expect((await api(undefined, 'POST', '/v1/calendar-feeds', { kind: 'group', id: ids.groupA })).status).toBe(401);
      expect((await api(undefined, 'GET', '/v1/calendar-feeds')).status).toBe(401);
      expect((await api(keys.read, 'POST', '/v1/calendar-feeds', { kind: 'group', id: ids.groupA })).status).toBe(403);
      expect((await api(keys.read, 'GET', '/v1/calendar-feeds')).status).toBe(200);
    });

    it('should answer 404 for another club’s group, organisation or an unknown id', async () => {
      expect((await api(keys.clubB, 'POST', '/v1/calendar-feeds', { kind: 'group', id: ids.groupA })).status).toBe(404);
      expect((await api(keys.clubB, 'POST', '/v1/calendar-feeds', { kind: 'organisation', id: ids.clubA })).status).toBe(404);
      expect((await api(keys.clubB, 'POST', '/v1/calendar-feeds', { kind: 'organisation', id: ids.federation })).status).toBe(404);
      expect((await api(ADMIN_KEY, 'POST', '/v1/calendar-feeds', { kind: 'group', id: randomUUID() })).status).toBe(404);
    });

    it('should refuse a personnummer as id, NUL bytes, unknown fields and kinds (422) without echoing them', async () => {
      for (const body of [
        { kind: 'person', id: '201203142389' },
        { kind: 'group', id: `${ids.groupA}\u0000` },
        { kind: 'group\u0000', id: ids.groupA },
        { kind: 'calendar', id: ids.groupA },
        { kind: 'group', id: ids.groupA, token: 'mine' },
      ]) {
        const res = await api(keys.clubA, 'POST', '/v1/calendar-feeds', body);
        expect(res.status).toBe(422);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(await res.text()).not.toContain('201203142389');
      }
    });

    it('should refuse a body that is no JSON object (400) or too large (413)', async () => {
      expect((await api(keys.clubA, 'POST', '/v1/calendar-feeds', '[1,2')).status).toBe(400);
      const huge = JSON.stringify({ kind: 'group', id: ids.groupA, pad: 'x'.repeat(2_000_000) });
      expect((await api(keys.clubA, 'POST', '/v1/calendar-feeds', huge)).status).toBe(413);
    });

    it('should answer 404 for a feed id that is not a uuid', async () => {
      expect((await api(keys.clubA, 'DELETE', '/v1/calendar-feeds/201203142389')).status).toBe(404);
    });
  });
});
