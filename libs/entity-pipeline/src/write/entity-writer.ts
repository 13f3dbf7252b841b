import type { Pool } from 'pg';
import type { ImportOp, ImportSource, TopicNames } from '@stafett/contracts';
import type { AvroSerde } from '@stafett/kafka';
import { ConsumerOffsets, partitionKey } from '../database/consumer-offsets';
import { EntityStore } from '../database/entity-store';
import { inTransaction } from '@stafett/persistence';
import type { EntityCommand, EntityOutcome } from '../domain/entity-command';
import type { EntityRepository, EntityRules, EntityState } from '../domain/entity-rules.port';
import { ApplyEntityCommands } from './apply-entity-commands.usecase';
import { createEntityEncoders } from './entity-encoders';

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
  readonly records: readonly { readonly offset: string; readonly record: ImportRecordOf<P> }[];
  readonly lastOffset: string;
}

export interface ImportApplied<S> {
  readonly outcomes: EntityOutcome<S>[];
  /** Records skipped because the partition's stored offset was past them. */
  readonly redelivered: number;
}

export function importCommand<P>(r: ImportRecordOf<P>): EntityCommand<P> {
  return {
    recordId: r.recordId,
    batchId: r.batchId,
    source: r.source,
    externalId: r.externalId,
    op: r.op,
    payload: r.payload ?? null,
  };
}

/**
 * The one write service of an entity: REST writes and import batches both come here and run the
 * same rules in one transaction each. Its Avro encoders are registered on first use.
 */
export class EntityWriter<S extends EntityState, P, Patch, C> {
  private useCase: Promise<ApplyEntityCommands<S, P, Patch, C>> | undefined;
  private readonly offsets: ConsumerOffsets;
  private readonly store: EntityStore<S>;

  constructor(
    readonly rules: EntityRules<S, P, Patch, C>,
    repository: EntityRepository<S>,
    private readonly serde: AvroSerde,
    readonly topics: TopicNames,
    private readonly pool: Pool,
  ) {
    this.offsets = new ConsumerOffsets(rules.schema);
    this.store = new EntityStore(repository, rules.schema);
  }

  /** Registers the output schemas (once); rejects while the registry is away. */
  ready(): Promise<ApplyEntityCommands<S, P, Patch, C>> {
    if (!this.useCase) {
      const making = createEntityEncoders(this.serde, this.topics, this.rules.entity, this.rules.contracts).then((e) => new ApplyEntityCommands(this.rules, this.store, e));
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
      const commands = fresh.flatMap((records) => records.map((r) => importCommand(r.record)));
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
}
