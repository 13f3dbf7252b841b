import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Cron } from 'croner';
import { RunConflictError, RuntimeStoppedError } from '@stafett/connector-sdk';
import { AgreementStore, type StoredAgreement } from '../database/agreement.store';
import { CONNECTOR_TYPES, CONNECTORS_OPTIONS, type ConnectorsModuleOptions, type ConnectorTypes } from '../connectors-options';
import { ConnectorsService } from '../connectors.service';

/** The time zone cron expressions of agreements are read in (a club's "0 3 * * *" is 03:00 in Sweden). */
export const SCHEDULE_TIME_ZONE = 'Europe/Stockholm';

/** When a connector's next scheduled run is due, after `after` (CRON: the expression's next time; CONTINUOUS: at once). */
export function nextDue(agreement: StoredAgreement['agreement'], after: Date): Date | undefined {
  const schedule = agreement.schedule;
  if (schedule.kind === 'CONTINUOUS') return after;
  if (schedule.kind !== 'CRON' || !schedule.cron) return undefined;
  return new Cron(schedule.cron, { timezone: SCHEDULE_TIME_ZONE, paused: true }).nextRun(after) ?? undefined;
}

/**
 * Runs the connectors whose agreement has a CRON or CONTINUOUS schedule (MANUAL ones run only on
 * "run now"), as Kafka Connect keeps its source tasks going: every tick it starts the runs that are
 * due — a CRON connector at each time of its expression (Europe/Stockholm), a CONTINUOUS one again
 * as soon as its last run ended. A paused connector, one of a type this service does not host and
 * one that takes a file (it has nothing to read without an upload) are skipped; a run already in
 * progress (here or in another instance: one RUNNING run per connector) is left alone, and a time
 * missed while the service was down is not made up: the next one is awaited.
 */
@Injectable()
export class ConnectorScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('connector-scheduler');
  /** Per connector: the agreement revision the due time was computed for, and the due time. */
  private readonly due = new Map<string, { revision: number; at: Date }>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly store: AgreementStore,
    private readonly connectors: ConnectorsService,
    @Inject(CONNECTOR_TYPES) private readonly types: ConnectorTypes,
    @Inject(CONNECTORS_OPTIONS) private readonly options: ConnectorsModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.scheduler === false) return;
    const every = this.options.scheduler?.tickMs ?? 15_000;
    this.timer = setInterval(() => void this.tick(), every).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** Starts what is due at `now`; returns the connector ids it started a run for. */
  async tick(now = new Date()): Promise<string[]> {
    if (this.ticking) return [];
    let started: string[] = [];
    this.ticking = (async () => {
      started = await this.startDue(now).catch((e: unknown) => {
        this.log.warn({ error: (e as Error)?.message }, 'scheduled runs could not be checked; trying again at the next tick');
        return [];
      });
    })();
    await this.ticking;
    this.ticking = undefined;
    return started;
  }

  private async startDue(now: Date): Promise<string[]> {
    const started: string[] = [];
    const seen = new Set<string>();
    // Only the scheduled ones (the list of the API stops at 1,000 connectors).
    for (const stored of await this.store.scheduled()) {
      const { connectorId, schedule } = stored.agreement;
      seen.add(connectorId);
      if (schedule.kind === 'MANUAL' || stored.paused) continue;
      const connector = this.types.get(stored.agreement.connectorType);
      if (!connector || connector.spec().acceptsFile === true) continue;
      let due = this.due.get(connectorId);
      if (!due || due.revision !== stored.agreement.revision) {
        // First seen (or changed): a CRON connector waits for its next time, a CONTINUOUS one starts now.
        const at = nextDue(stored.agreement, schedule.kind === 'CRON' ? now : new Date(0));
        if (!at) continue;
        due = { revision: stored.agreement.revision, at };
        this.due.set(connectorId, due);
      }
      if (due.at > now) continue;
      try {
        await this.connectors.run(stored, {});
        started.push(connectorId);
        const next = nextDue(stored.agreement, now);
        if (next) this.due.set(connectorId, { revision: stored.agreement.revision, at: next });
        this.log.log({ connectorId, schedule: schedule.kind }, 'scheduled run started');
      } catch (e) {
        // Running already (here or in another instance): a CONTINUOUS one tries again next tick, a CRON one waits for its next time.
        if (schedule.kind === 'CRON') {
          const next = nextDue(stored.agreement, now);
          if (next) this.due.set(connectorId, { revision: stored.agreement.revision, at: next });
        }
        // Expected, so not warned of: a conflict (a run in progress) and a runtime that is stopping
        // (this process starts no more runs).
        if (!(e instanceof RunConflictError) && !(e instanceof RuntimeStoppedError) && !isConflict(e)) this.log.warn({ connectorId, error: (e as Error)?.message }, 'a scheduled run could not start');
      }
    }
    for (const id of this.due.keys()) if (!seen.has(id)) this.due.delete(id);
    return started;
  }
}

const isConflict = (e: unknown): boolean => (e as { getStatus?: () => number })?.getStatus?.() === 409;
