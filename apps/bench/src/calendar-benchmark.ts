import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { API_ENTITIES, API_MIGRATIONS, configureApiHttp } from '@stafett/api';
import { CALENDAR_MIGRATIONS, CalendarFeedsModule, CalendarProjectionRepository, type ProjectedActivity } from '@stafett/calendar-feeds';
import { loadConfig, StafettConfigModule, type StafettConfig } from '@stafett/config';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { getDataSourceToken } from '@nestjs/typeorm';

/** Latency figures of one path, in milliseconds. */
export interface LatencyFigures {
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface CalendarRun {
  readonly events: number;
  readonly bytes: number;
  readonly otherActivities: number;
  /** First answer after the projection changed the group (render, then cached). */
  readonly afterChange: LatencyFigures;
  /** Unchanged feed, no If-None-Match: the cached body. */
  readonly cached: LatencyFigures;
  /** Unchanged feed with If-None-Match: 304. */
  readonly notModified: LatencyFigures;
}

@Module({})
class CalendarBenchModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: CalendarBenchModule,
      imports: [
        StafettConfigModule.forRoot(config),
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl: config.databaseUrl,
            entities: [...API_ENTITIES],
            migrations: [...API_MIGRATIONS, ...CALENDAR_MIGRATIONS],
            applicationName: 'bench-calendar',
          }),
          migrationsRun: true,
        }),
        CalendarFeedsModule.forRoot(),
      ],
    };
  }
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function figures(samples: number[]): LatencyFigures {
  const sorted = [...samples].sort((a, b) => a - b);
  return { requests: samples.length, p50Ms: Number(percentile(sorted, 50).toFixed(2)), p99Ms: Number(percentile(sorted, 99).toFixed(2)) };
}

async function timed(url: string, headers: Record<string, string> = {}): Promise<{ ms: number; status: number; etag: string; bytes: number }> {
  const started = performance.now();
  const res = await fetch(url, { headers });
  const body = await res.text();
  return { ms: performance.now() - started, status: res.status, etag: res.headers.get('etag') ?? '', bytes: Buffer.byteLength(body) };
}

/**
 * B8: a calendar feed answer over HTTP (the connector's module in-process, its projection in
 * Postgres): a group with `events` activities in the window among `others` activities of other
 * groups; the answer right after a projection change, the cached answer, and the 304 path.
 */
export async function b8CalendarFeed(databaseUrl: string, options: { events: number; others: number; requests: number }): Promise<CalendarRun> {
  const adminKey = `bench-${randomUUID()}`;
  const config = loadConfig({ DATABASE_URL: databaseUrl, STAFETT_ADMIN_API_KEY: adminKey, LOG_LEVEL: 'warn', PORT: '0' });
  const app = await NestFactory.create<NestExpressApplication>(CalendarBenchModule.forRoot(config), { logger: ['error', 'warn'] });
  configureApiHttp(app, { jsonLimit: '16kb' });
  await app.listen(0, '127.0.0.1');
  try {
    const base = await app.getUrl();
    const projection = app.get(CalendarProjectionRepository);
    const db = app.get<DataSource>(getDataSourceToken());
    const club = randomUUID();
    const groupId = randomUUID();
    await projection.applyOrganisation(club, 1, { id: club, version: 1, parentId: null, name: 'IK Bench' });
    await projection.applyGroup(groupId, 1, { id: groupId, version: 1, organisationId: club, name: 'P15 Bench' });
    // The rest of the register: activities of other groups and clubs, spread over two years.
    await db.query(
      `INSERT INTO "calendar"."activity" (id, version, organisation_id, group_id, type, title, starts_at, ends_at, location, status, updated_at)
       SELECT gen_random_uuid(), 1, gen_random_uuid(), gen_random_uuid(), 'TRAINING', 'Träning ' || i, now() - interval '1 year' + i * interval '20 minutes',
              now() - interval '1 year' + i * interval '20 minutes' + interval '90 minutes', 'Hall ' || (i % 50), 'PLANNED', now()
         FROM generate_series(1, $1::int) AS i`,
      [options.others],
    );
    await db.query(`ANALYZE "calendar"."activity"`);
    // The group's activities: every day from 20 days ago, at 18:00 UTC, one in ten cancelled.
    const day = 24 * 3600_000;
    const start = Date.now() - 20 * day;
    const ids = Array.from({ length: options.events }, () => randomUUID());
    const activityOf = (i: number, version: number): ProjectedActivity => ({
      id: ids[i],
      version,
      organisationId: club,
      groupId,
      type: i % 7 === 0 ? 'MATCH' : 'TRAINING',
      title: i % 7 === 0 ? `Match ${i}` : `Träning ${i}`,
      startsAt: new Date(start + Math.floor(i * 0.7) * day + (i % 2) * 3600_000),
      endsAt: new Date(start + Math.floor(i * 0.7) * day + (i % 2) * 3600_000 + 90 * 60_000),
      location: 'Rosendalsfältet',
      status: i % 10 === 0 ? 'CANCELLED' : 'PLANNED',
      participantIds: [],
    });
    for (let i = 0; i < options.events; i++) await projection.applyActivity(ids[i], 1, activityOf(i, 1));

    const created = await fetch(`${base}/v1/calendar-feeds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'group', id: groupId }),
    });
    if (created.status !== 201) throw new Error(`creating the bench feed answered ${created.status}`);
    const { url } = (await created.json()) as { url: string };

    // Warm-up (JIT, connection pool), then the measured paths.
    for (let i = 0; i < 20; i++) await timed(url);
    const afterChange: number[] = [];
    const changes = Math.max(20, Math.round(options.requests / 10));
    for (let n = 0; n < changes; n++) {
      await projection.applyActivity(ids[n % options.events], 2 + n, activityOf(n % options.events, 2 + n));
      afterChange.push((await timed(url)).ms);
    }
    const first = await timed(url);
    const cached: number[] = [];
    for (let n = 0; n < options.requests; n++) cached.push((await timed(url)).ms);
    const notModified: number[] = [];
    for (let n = 0; n < options.requests; n++) {
      const r = await timed(url, { 'if-none-match': first.etag });
      if (r.status !== 304) throw new Error(`an unchanged feed answered ${r.status}, not 304`);
      notModified.push(r.ms);
    }
    const body = await (await fetch(url)).text();
    return {
      events: body.split('BEGIN:VEVENT').length - 1,
      bytes: first.bytes,
      otherActivities: options.others,
      afterChange: figures(afterChange),
      cached: figures(cached),
      notModified: figures(notModified),
    };
  } finally {
    await app.close();
  }
}
