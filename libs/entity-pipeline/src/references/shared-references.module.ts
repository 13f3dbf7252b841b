import { Global, Module, type DynamicModule } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TopicNames } from '@stafett/contracts';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { AvroSerde, KAFKA_CLIENT, type KafkaClientPort } from '@stafett/kafka';
import { poolOf } from '../database/transaction';
import { PipelineMetricsModule } from '../entity-pipeline.module';
import { PipelineMetrics } from '../metrics/pipeline-metrics';
import { referenceKeySecret } from '../write/entity-writer';
import { ReferenceKeys } from './reference-keys';
import { SHARED_REFERENCES_SCHEMA, SharedReferences } from './shared-references';

/**
 * Makes the entity pipelines of this process share one projection of the state topics
 * (`SharedReferences`, in the `reference` schema; its migration is `sharedReferencesMigration`).
 * Without this module, each pipeline keeps its own in its schema. Global: every
 * `EntityPipelineModule.forEntity` finds it.
 */
@Global()
@Module({})
export class SharedReferencesModule {
  static forRoot(options: { schema?: string } = {}): DynamicModule {
    return {
      module: SharedReferencesModule,
      imports: [PipelineMetricsModule],
      providers: [
        {
          provide: SharedReferences,
          inject: [STAFETT_CONFIG, getDataSourceToken(), KAFKA_CLIENT, AvroSerde, PipelineMetrics],
          useFactory: (config: StafettConfig, dataSource: DataSource, kafka: KafkaClientPort, serde: AvroSerde, metrics: PipelineMetrics) =>
            new SharedReferences(
              options.schema ?? SHARED_REFERENCES_SCHEMA,
              new TopicNames(config.topicPrefix),
              poolOf(dataSource),
              new ReferenceKeys(referenceKeySecret(config)),
              kafka,
              serde,
              metrics,
            ),
        },
      ],
      exports: [SharedReferences],
    };
  }
}
