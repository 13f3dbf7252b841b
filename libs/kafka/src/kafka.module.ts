import { DynamicModule, Global, Inject, Injectable, Logger, Module, type InjectionToken, type ModuleMetadata, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { kafkaSecurity, STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { AvroSerde } from './avro-serde';
import { KAFKA_CLIENT } from './kafka-client.port';
import { KafkajsClient, type KafkajsClientOptions } from './kafkajs/kafkajs-client.adapter';
import type { KafkaLogSink } from './kafkajs/kafkajs-log';
import { HttpSchemaRegistryClient, type SchemaRegistryPort } from './schema-registry.client';

export const SCHEMA_REGISTRY = Symbol('SCHEMA_REGISTRY');

export interface KafkaModuleOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Base URL of a Confluent-compatible registry. */
  readonly schemaRegistryUrl: string;
  /** Serve the serde from another registry port than HTTP (the all-in-one app's built-in registry). */
  readonly registry?: {
    readonly imports: NonNullable<ModuleMetadata['imports']>;
    readonly inject: InjectionToken[];
    readonly useFactory: (...deps: never[]) => SchemaRegistryPort;
  };
}

/** TLS and SASL/SCRAM as configured (KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_*); plain text when no config is given. */
function securityOptions(config: StafettConfig | undefined): Pick<KafkajsClientOptions, 'ssl' | 'sasl'> {
  if (!config) return {};
  const { ssl, sasl } = kafkaSecurity(config);
  return {
    ...(ssl ? { ssl: ssl.caFile === undefined ? true : { ca: [readFileSync(ssl.caFile, 'utf8')] } } : {}),
    ...(sasl ? { sasl } : {}),
  };
}

@Injectable()
class KafkaClientShutdown implements OnModuleDestroy, OnApplicationShutdown {
  constructor(@Inject(KAFKA_CLIENT) private readonly client: KafkajsClient) {}

  /** Nest runs every module's destroy hook before any shutdown hook: the services' starts give up together, then each stops. */
  onModuleDestroy(): void {
    this.client.beginClose();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/** The thin NestJS layer over the client port: `KAFKA_CLIENT`, `SCHEMA_REGISTRY` and `AvroSerde` for the whole app. */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    const logger = new Logger('kafka');
    const sink: KafkaLogSink = {
      error: (o, m) => logger.error({ ...o, msg: m }),
      warn: (o, m) => logger.warn({ ...o, msg: m }),
      info: (o, m) => logger.log({ ...o, msg: m }),
      debug: (o, m) => logger.debug({ ...o, msg: m }),
    };
    return {
      module: KafkaModule,
      imports: options.registry?.imports ?? [],
      providers: [
        {
          provide: KAFKA_CLIENT,
          inject: [{ token: STAFETT_CONFIG, optional: true }],
          useFactory: (config: StafettConfig | undefined) =>
            new KafkajsClient({ brokers: options.brokers, clientId: options.clientId, logger: sink, ...securityOptions(config) }),
        },
        options.registry
          ? { provide: SCHEMA_REGISTRY, inject: options.registry.inject, useFactory: options.registry.useFactory }
          : { provide: SCHEMA_REGISTRY, useFactory: () => new HttpSchemaRegistryClient(options.schemaRegistryUrl) },
        { provide: AvroSerde, inject: [SCHEMA_REGISTRY], useFactory: (registry: SchemaRegistryPort) => new AvroSerde(registry) },
        KafkaClientShutdown,
      ],
      exports: [KAFKA_CLIENT, SCHEMA_REGISTRY, AvroSerde],
    };
  }
}
