import type { Pool } from 'pg';
import { Logger } from '@nestjs/common';
import type { ImportOp, ImportSource, TopicNames } from '@stafett/contracts';
import type { AvroSerde } from '@stafett/kafka';
import { ConsumerOffsets, partitionKey } from '../database/consumer-offsets';
import { EntityStore } from '../database/entity-store';
import { inTransaction } from '@stafett/persistence';
import type { EntityCommand, EntityOutcome } from '../domain/entity-command';
import type { EntityRepository, EntityRules, EntityState } from '../domain/entity-rules.port';
import { ApplyEntityCommands, type ExecuteOptions } from './apply-entity-commands.usecase';
import { createHmac } from 'node:crypto';
import type { StafettConfig } from '@stafett/config';
import { ParkingLot } from '../references/parking-lot';
import { ReferenceKeys } from '../references/reference-keys';
import { ReferenceProjection, type ProjectedState, type ProjectionApplied } from '../references/reference-projection';
import { OrganisationTree } from '../references/organisation-tree';
import type { ProjectedEntity } from '../domain/entity-rules.port';
import type { SqlExecutor } from '@stafett/outbox';
import { createEntityEncoders } from './entity-encoders';
import { AgreementBook } from '../agreements/agreement-book';

/** An import record of any entity (the contracts differ only in the payload). */
export interface ImportRecordOf<P> {
  readonly recordId: string;
  readonly batchId: string;
  readonly source: ImportSource;
  readonly externalId: string;
  readonly op: ImportOp;
  readonly payload: P | null;
}

/** The decoded records of one partition's batch, and the batch's last offset (decoded or not). */
export interface PartitionBatch<P> {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly { readonly offset: string; readonly record: ImportRecordOf<P>; readonly scope?: string | null }[];
  readonly lastOffset: string;
}

export interface ImportApplied<S> {
  readonly outcomes: EntityOutcome<S>[];
  /** Records skipped because the partition's stored offset was past them. */
  readonly redelivered: number;
}

export function importCommand<P>(r: ImportRecordOf<P>, scope?: string | null): EntityCommand<P> {
  return {
    recordId: r.recordId,
    batchId: r.batchId,
    source: r.source,
    externalId: r.externalId,
    op: r.op,
    payload: r.payload ?? null,
    ...(scope ? { scope } : {}),
  };
}

export interface WriterOptions {
  /** How long a record waits for a missing reference (STAFETT_REFERENCE_WAIT_MS). */
  readonly referenceWaitMs: number;
  /** The secret of the keyed hashes of natural keys in the projection and the parking lot (`referenceKeySecret`). */
  readonly referenceKeySecret: Buffer;
  /** The integration agreements whose field ownership the writes obey; default none. */
  readonly agreements?: AgreementBook;
  /**
   * The projection of foreign entities and the organisation tree this writer reads, when the
   * services of one process share them (`SharedReferences`); default: its own, in its schema.
   */
  readonly references?: { readonly projection: ReferenceProjection; readonly tree: OrganisationTree };
}

/**
 * The secret under which a service hashes natural keys (personnummer) of its projection and parking
 * lot: derived from STAFETT_PROTECTED_IDENTITY_KEY (a secret outside the database), or in
 * development from DATABASE_URL without its password, as the protected-identity key is.
 */
export function referenceKeySecret(config: Pick<StafettConfig, 'protectedIdentityKey' | 'databaseUrl'>): Buffer {
  let base = config.protectedIdentityKey;
  if (base === undefined) {
    const url = new URL(config.databaseUrl);
    url.password = '';
    base = `stafett development reference key ${url.toString()}`;
  }
  return createHmac('sha256', base).update('stafett.reference-keys').digest();
}

/** What a retry of the parking lot did. */
export interface ParkedRetry {
  readonly retried: number;
  readonly outcomes: readonly EntityOutcome<unknown>[];
}

/**
 * The one write service of an entity: REST writes and import batches both come here and run the
 * same rules in one transaction each. Its Avro encoders are registered on first use.
 */
export class EntityWriter<S extends EntityState, P, Patch, C> {
  private useCase: Promise<ApplyEntityCommands<S, P, Patch, C>> | undefined;
  private readonly offsets: ConsumerOffsets;
  private readonly store: EntityStore<S>;
  private readonly log = new Logger('entity-writer');
  readonly parking: ParkingLot;
  readonly projection: ReferenceProjection;
  readonly tree: OrganisationTree;
  /** The integration agreements (field ownership) this writer obeys. */
  readonly agreements: AgreementBook;
  /** Called when parked records were woken (the retrier runs at once). */
  onWoken: (() => void) | undefined;

  constructor(
    readonly rules: EntityRules<S, P, Patch, C>,
    repository: EntityRepository<S>,
    private readonly serde: AvroSerde,
    readonly topics: TopicNames,
    private readonly pool: Pool,
    private readonly options: WriterOptions,
  ) {
    this.offsets = new ConsumerOffsets(rules.schema);
    this.store = new EntityStore(repository, rules.schema);
    this.parking = new ParkingLot(rules.schema);
    this.projection = options.references?.projection ?? new ReferenceProjection(rules.schema, new ReferenceKeys(options.referenceKeySecret));
    this.tree = options.references?.tree ?? new OrganisationTree(rules.schema, pool);
    this.agreements = options.agreements ?? AgreementBook.none();
  }

  /** Registers the output schemas (once); rejects while the registry is away. */
  ready(): Promise<ApplyEntityCommands<S, P, Patch, C>> {
    if (!this.useCase) {
      const references = {
        projection: this.projection,
        parking: this.parking,
        tree: this.tree,
        waitMs: this.options.referenceWaitMs,
        onWoken: () => this.onWoken?.(),
      };
      const making = createEntityEncoders(this.serde, this.topics, this.rules.entity, this.rules.contracts).then(
        (e) => new ApplyEntityCommands(this.rules, this.store, e, references, this.agreements),
      );
      making.catch(() => {
        if (this.useCase === making) this.useCase = undefined;
      });
      this.useCase = making;
    }
    return this.useCase;
  }

  /** Applies commands (a REST write is a batch of one) in one transaction. */
  async apply(commands: readonly EntityCommand<P>[]): Promise<EntityOutcome<S>[]> {
    const useCase = await this.ready();
    return inTransaction(this.pool, (tx) => useCase.execute(tx, commands));
  }

  /**
   * Applies import records of one or more partitions in one transaction: per partition, the records
   * below its stored offset are skipped (applied before: a redelivery) and the offset moves past the
   * batch's last one. The outcomes come back per batch, in order.
   */
  async applyImports(batches: readonly PartitionBatch<P>[]): Promise<ImportApplied<S>[]> {
    const useCase = await this.ready();
    return inTransaction(this.pool, async (tx) => {
      const next = await this.offsets.lock(tx, batches);
      const fresh = batches.map((b) => {
        const from = next.get(partitionKey(b.topic, b.partition)) ?? 0n;
        return b.records.filter((r) => BigInt(r.offset) >= from);
      });
      const commands = fresh.flatMap((records) => records.map((r) => importCommand(r.record, r.scope)));
      const outcomes = commands.length > 0 ? await useCase.execute(tx, commands) : [];
      await this.offsets.advance(
        tx,
        batches.map((b) => ({ topic: b.topic, partition: b.partition, offset: BigInt(b.lastOffset) + 1n })),
      );
      let at = 0;
      return batches.map((b, i) => {
        const mine = outcomes.slice(at, (at += fresh[i].length));
        return { outcomes: mine, redelivered: b.records.length - fresh[i].length };
      });
    });
  }

  /**
   * Retries the parked records that are due (their keys appeared, or their backoff ran out), oldest
   * first, in one transaction: applied or finally rejected ones leave the lot with their
   * ImportResult; the others wait on. `limit` bounds the transaction.
   */
  async retryParked(limit = 500): Promise<ParkedRetry> {
    const useCase = await this.ready();
    const reader = this.rules.contracts.importRecord;
    return inTransaction(this.pool, async (tx) => {
      const found = await this.parking.due(tx, limit);
      if (found.length === 0) return { retried: 0, outcomes: [] };
      const now = new Date();
      // A record that no longer decodes (parked by a version with another ImportRecord schema) must
      // not hold back every other parked record: it leaves the lot (logged; see the review report).
      const unreadable: string[] = [];
      const due: typeof found = [];
      const commands: EntityCommand<P>[] = [];
      for (const d of found) {
        try {
          commands.push(importCommand(reader.fromBuffer(d.record) as ImportRecordOf<P>, d.scope));
          due.push(d);
        } catch {
          unreadable.push(d.recordId);
        }
      }
      if (unreadable.length > 0) {
        this.log.error({ recordIds: unreadable }, 'parked import records that no longer decode left the lot without a result');
        await this.parking.release(tx, unreadable);
      }
      if (due.length === 0) return { retried: found.length, outcomes: [] };
      const options: ExecuteOptions = {
        woken: new Set(due.map((d) => d.recordId)),
        final: new Set(due.filter((d) => d.final).map((d) => d.recordId)),
      };
      const outcomes = await useCase.execute(tx, commands, now, options);
      await this.parking.release(
        tx,
        outcomes.filter((o) => o.outcome !== 'PARKED').map((o) => o.recordId),
      );
      return { retried: found.length, outcomes };
    });
  }

  /**
   * Applies state records of a foreign entity to this service's projection, in the caller's
   * transaction, and what follows in this service (`onProjected`).
   */
  async applyProjection(
    tx: SqlExecutor,
    entity: ProjectedEntity,
    records: readonly ProjectedState[],
  ): Promise<{ upserted: number; removed: number; derived: readonly EntityOutcome<S>[] }> {
    const applied = await this.projection.apply(tx, entity, records);
    const derived = await this.onProjected(tx, entity, applied);
    return { upserted: applied.upserted.length, removed: applied.removed.length, derived };
  }

  /**
   * What follows a change of the projection this writer reads, in the same transaction: wakes the
   * parked records waiting for the entities that appeared, and applies the commands the rules
   * derive from removed ones (`onForeignRemoved`). Returns the derived changes' outcomes.
   */
  async onProjected(tx: SqlExecutor, entity: ProjectedEntity, applied: ProjectionApplied): Promise<EntityOutcome<S>[]> {
    if (applied.keys.length > 0 && (await this.parking.any(tx)) && (await this.parking.wake(tx, applied.keys)) > 0) this.onWoken?.();
    if (applied.removed.length === 0 || !this.rules.onForeignRemoved) return [];
    const commands = await this.rules.onForeignRemoved(tx, entity, applied.removed);
    return commands.length > 0 ? (await this.ready()).execute(tx, commands) : [];
  }

  /** VACUUMs the parking lot's tables (outside a transaction; autovacuum may be off). */
  async vacuumParking(): Promise<void> {
    await this.parking.vacuum(this.pool);
  }

  /** The next offsets stored with this service's data for the topics' partitions (the lag metric). */
  storedOffsets(topics: readonly string[]): Promise<Map<string, bigint>> {
    return this.offsets.read(this.pool, topics);
  }

  /** Runs work in one transaction on the writer's pool. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}
