import { Inject, Module, type BeforeApplicationShutdown, type DynamicModule, type ModuleMetadata, type OnApplicationBootstrap, type Type } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TopicNames } from '@stafett/contracts';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { AvroSerde, KAFKA_CLIENT, type KafkaClientPort } from '@stafett/kafka';
import { poolOf } from './database/transaction';
import { AgreementBook } from './agreements/agreement-book';
import { AgreementBookModule } from './agreements/agreement-book.module';
import { AgreementBookFollower } from './agreements/agreement-book.follower';
import type { EntityRepository, EntityRules, EntityState, ProjectedEntity } from './domain/entity-rules.port';
import type { OrganisationTree } from './references/organisation-tree';
import { ParkedRecordRetrier } from './references/parked-record.retrier';
import { EntityProjectionConsumer, writerProjection } from './references/projection.consumer';
import { SharedReferences } from './references/shared-references';
import { EntityImportConsumer, type ImportConsumerOptions } from './import/entity-import.consumer';
import { PipelineMetrics } from './metrics/pipeline-metrics';
import { EntityOutboxRelay } from './relay/entity-outbox.relay';
import { EntityWriter, referenceKeySecret } from './write/entity-writer';

/** The writer of an entity, for `@Inject(entityWriterToken('person'))`. */
export const entityWriterToken = (entity: string): string => `stafett.pipeline.${entity}.writer`;
export const InjectEntityWriter = (entity: string) => Inject(entityWriterToken(entity));
/** The organisation subtrees of an entity's service (its projection of organisations), for `@InjectOrganisationTree('group')`. */
export const organisationTreeToken = (entity: string): string => `stafett.pipeline.${entity}.organisation-tree`;
export const InjectOrganisationTree = (entity: string) => Inject(organisationTreeToken(entity));

/* eslint-disable @typescript-eslint/no-explicit-any -- the module wires rules of any entity type */
type AnyRules = EntityRules<any, any, any, any>;
type AnyWriter = EntityWriter<EntityState, unknown, unknown, unknown>;
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface EntityPipelineDefinition {
  readonly entity: string;
  /** The domain's rules and repository, as Nest providers. */
  readonly rules: Type<AnyRules>;
  readonly repository: Type<EntityRepository<EntityState>>;
  /** Modules the rules and repository need. */
  readonly imports?: ModuleMetadata['imports'];
  /** Prepended to every topic name; default: the config's STAFETT_TOPIC_PREFIX. */
  readonly topicPrefix?: string;
  readonly consumer?: ImportConsumerOptions;
  /**
   * The other entities whose state topics this service projects into its schema (references to
   * them resolve there; `organisation` also gives the subtrees of scoped API keys). Needs the
   * reference tables (`entityReferencesMigration`). With `SharedReferencesModule` in the process,
   * the pipeline reads and follows the shared projection instead (its parking lot stays here).
   */
  readonly projections?: readonly ProjectedEntity[];
}

/** One PipelineMetrics per process, shared by every entity's pipeline. */
@Module({ providers: [PipelineMetrics], exports: [PipelineMetrics] })
export class PipelineMetricsModule {}

/** Starts the import consumer and the relay once the app runs; stops them before the database pool closes. */
class EntityPipelineLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly consumer: EntityImportConsumer<EntityState, unknown>,
    private readonly relay: EntityOutboxRelay,
    private readonly projection: { begin(): void; end(): Promise<void> },
    private readonly retrier: ParkedRecordRetrier,
    private readonly agreements: AgreementBookFollower,
  ) {}

  onApplicationBootstrap(): void {
    // One follower per process: the first pipeline begins it, the others find it begun.
    this.agreements.begin();
    this.relay.begin();
    this.projection.begin();
    this.consumer.begin();
    this.retrier.begin();
  }

  /**
   * Ends the four (and the agreement follower) at once: each waits for a start in flight, which retries for seconds while Kafka
   * is away, and one after the other they outlasted a shutdown. Nothing is lost by the order: rows
   * written but not yet published stay in the outbox for the next start.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.consumer.end(), this.retrier.end(), this.projection.end(), this.relay.end(), this.agreements.end()]);
  }
}

/**
 * The shared entity pipeline for one entity: its writer (REST and imports), its import consumer
 * and its outbox relay, wired to the domain's rules and repository.
 */
@Module({})
export class EntityPipelineModule {
  static forEntity(definition: EntityPipelineDefinition): DynamicModule {
    const { entity } = definition;
    const writerToken = entityWriterToken(entity);
    const lifecycleToken = `stafett.pipeline.${entity}.lifecycle`;
    return {
      module: EntityPipelineModule,
      imports: [PipelineMetricsModule, AgreementBookModule, ...(definition.imports ?? [])],
      providers: [
        definition.rules,
        definition.repository,
        {
          provide: writerToken,
          inject: [
            definition.rules,
            definition.repository,
            AvroSerde,
            STAFETT_CONFIG,
            getDataSourceToken(),
            AgreementBook,
            { token: SharedReferences, optional: true },
          ],
          useFactory: (
            rules: AnyRules,
            repository: EntityRepository<EntityState>,
            serde: AvroSerde,
            config: StafettConfig,
            dataSource: DataSource,
            agreements: AgreementBook,
            shared: SharedReferences | undefined,
          ): AnyWriter => {
            if (rules.entity !== entity) throw new Error(`the rules of "${rules.entity}" were given for the "${entity}" pipeline`);
            const writer: AnyWriter = new EntityWriter(
              rules as EntityRules<EntityState, unknown, unknown, unknown>,
              repository,
              serde,
              new TopicNames(definition.topicPrefix ?? config.topicPrefix),
              poolOf(dataSource),
              {
                referenceWaitMs: config.referenceWaitMs,
                referenceKeySecret: referenceKeySecret(config),
                agreements,
                ...(shared ? { references: { projection: shared.projection, tree: shared.tree } } : {}),
              },
            );
            shared?.join(writer, definition.projections ?? []);
            return writer;
          },
        },
        {
          provide: lifecycleToken,
          inject: [writerToken, KAFKA_CLIENT, AvroSerde, STAFETT_CONFIG, PipelineMetrics, AgreementBookFollower, { token: SharedReferences, optional: true }],
          useFactory: (
            writer: AnyWriter,
            kafka: KafkaClientPort,
            serde: AvroSerde,
            config: StafettConfig,
            metrics: PipelineMetrics,
            agreements: AgreementBookFollower,
            shared: SharedReferences | undefined,
          ) =>
            new EntityPipelineLifecycle(
              new EntityImportConsumer(writer, kafka, serde, config, metrics, definition.consumer),
              new EntityOutboxRelay(entity, writer.rules.schema, kafka, config, metrics),
              // The shared projection's one consumer: the first lifecycle begins it, the first to end stops it.
              shared ??
                new EntityProjectionConsumer(
                  writerProjection(writer),
                  definition.projections ?? [],
                  kafka,
                  serde,
                  metrics,
                  definition.consumer?.consumerGroup && `${definition.consumer.consumerGroup}.projection`,
                ),
              new ParkedRecordRetrier(writer, metrics),
              agreements,
            ),
        },
        {
          provide: organisationTreeToken(entity),
          inject: [writerToken],
          useFactory: (writer: AnyWriter): OrganisationTree => writer.tree,
        },
      ],
      exports: [writerToken, organisationTreeToken(entity), definition.rules, definition.repository],
    };
  }
}
