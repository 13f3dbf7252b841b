import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import type { TopicNames } from '@stafett/contracts';
import type { AvroSerde, KafkaClientPort } from '@stafett/kafka';
import type { SqlExecutor } from '@stafett/outbox';
import { inTransaction } from '@stafett/persistence';
import type { EntityState, ProjectedEntity } from '../domain/entity-rules.port';
import type { PipelineMetrics } from '../metrics/pipeline-metrics';
import type { EntityWriter } from '../write/entity-writer';
import { OrganisationTree } from './organisation-tree';
import { EntityProjectionConsumer, type DerivedChange, type ProjectionTarget } from './projection.consumer';
import type { ReferenceKeys } from './reference-keys';
import { ReferenceProjection, type ProjectedState } from './reference-projection';

/** The schema of the projection that the services of one process share. */
export const SHARED_REFERENCES_SCHEMA = 'reference';

type AnyWriter = EntityWriter<EntityState, unknown, unknown, unknown>;

/**
 * One projection of the foreign entities' state topics for every service in the process (the
 * all-in-one), instead of one per service: each state record is written once, into
 * `reference.known_entity`/`known_link`/`organisation_edge`, by one consumer. In the same
 * transaction, every service that projects the entity wakes its own parked records and applies
 * what its rules derive from removed entities, so each service's changes stay atomic with the
 * projection, as with its own. The services read the shared tables through their writers
 * (`WriterOptions.references`). Still written only from the state topics (DESIGN §1): no service
 * reads another's tables. A deployment with a process per service keeps a projection per service.
 */
export class SharedReferences implements ProjectionTarget {
  readonly name = 'shared';
  readonly projection: ReferenceProjection;
  readonly tree: OrganisationTree;
  private readonly log = new Logger('shared-references');
  private readonly members: { writer: AnyWriter; entities: ReadonlySet<ProjectedEntity> }[] = [];
  private consumer: EntityProjectionConsumer | undefined;

  constructor(
    readonly schema: string,
    readonly topics: TopicNames,
    private readonly pool: Pool,
    keys: ReferenceKeys,
    private readonly kafka: KafkaClientPort,
    private readonly serde: AvroSerde,
    private readonly metrics: PipelineMetrics,
    private readonly consumerGroup = `${topics.prefix}stafett.references.projection`,
  ) {
    this.projection = new ReferenceProjection(schema, keys);
    this.tree = new OrganisationTree(schema, pool);
  }

  /** Adds a service's writer, which then follows the changes of the entities it projects. Before `begin`. */
  join(writer: AnyWriter, entities: readonly ProjectedEntity[]): void {
    if (this.consumer) throw new Error(`the ${writer.rules.entity} pipeline joined the shared projection after it began`);
    if (writer.topics.prefix !== this.topics.prefix) {
      throw new Error(`the ${writer.rules.entity} pipeline's topic prefix "${writer.topics.prefix}" is not the shared projection's "${this.topics.prefix}"`);
    }
    if (entities.length > 0) this.members.push({ writer, entities: new Set(entities) });
  }

  /** The entities some member projects. */
  get entities(): ProjectedEntity[] {
    return [...new Set(this.members.flatMap((m) => [...m.entities]))].sort();
  }

  ready(): Promise<unknown> {
    return Promise.all(this.members.map((m) => m.writer.ready()));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  async project(tx: SqlExecutor, entity: ProjectedEntity, records: readonly ProjectedState[]): Promise<readonly DerivedChange[]> {
    const applied = await this.projection.apply(tx, entity, records);
    const derived: DerivedChange[] = [];
    for (const { writer, entities } of this.members) {
      if (!entities.has(entity)) continue;
      for (const outcome of await writer.onProjected(tx, entity, applied)) derived.push({ entity: writer.rules.entity, outcome });
    }
    return derived;
  }

  /** Starts the one consumer (the first pipeline to start begins it; the others find it begun). */
  begin(): void {
    if (this.consumer) return;
    this.consumer = new EntityProjectionConsumer(this, this.entities, this.kafka, this.serde, this.metrics, this.consumerGroup);
    this.log.log({ schema: this.schema, services: this.members.map((m) => m.writer.rules.entity) }, 'the services share one projection of the state topics');
    this.consumer.begin();
  }

  /** Stops the consumer (every pipeline's lifecycle calls it; the first stops it). */
  async end(): Promise<void> {
    await this.consumer?.end();
  }
}
