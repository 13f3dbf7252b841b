import type { Pool } from 'pg';
import type { ImportOp, ImportSource, TopicNames } from '@stafett/contracts';
import type { AvroSerde } from '@stafett/kafka';
import { ConsumerOffsets } from '../database/consumer-offsets';
import { EntityStore } from '../database/entity-store';
import { inTransaction } from '../database/transaction';
import type { EntityCommand, EntityOutcome } from '../domain/entity-command';
import type { EntityRepository, EntityRules, EntityState, Stored } from '../domain/entity-rules.port';
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
   * Applies one partition's import records in one transaction, skipping those below the
   * partition's stored offset (applied before: a redelivery), and moves the offset past `lastOffset`.
   */
  async applyImport(
    topic: string,
    partition: number,
    records: readonly { offset: string; record: ImportRecordOf<P> }[],
    lastOffset: string,
  ): Promise<{ outcomes: EntityOutcome<S>[]; redelivered: number }> {
    const useCase = await this.ready();
    return inTransaction(this.pool, async (tx) => {
      const next = await this.offsets.lock(tx, topic, partition);
      const fresh = records.filter((r) => BigInt(r.offset) >= next);
      const outcomes =
        fresh.length > 0
          ? await useCase.execute(
              tx,
              fresh.map((r) => importCommand(r.record)),
            )
          : [];
      await this.offsets.advance(tx, topic, partition, BigInt(lastOffset) + 1n);
      return { outcomes, redelivered: records.length - fresh.length };
    });
  }

  /** Entities with their links, in their own snapshot (REST reads). */
  async load(ids: readonly string[]): Promise<Map<string, Stored<S>>> {
    const client = await this.pool.connect();
    try {
      return await this.store.load(client, ids, false);
    } finally {
      client.release();
    }
  }
}
