import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { KAFKA_CLIENT } from './kafka-client.port';
import { KafkajsClient } from './kafkajs/kafkajs-client.adapter';

export interface KafkaModuleOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
}

/** The thin NestJS layer over the client port: provides `KAFKA_CLIENT` to the whole app. */
@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    const logger = new Logger('kafka');
    return {
      module: KafkaModule,
      providers: [
        {
          provide: KAFKA_CLIENT,
          useFactory: () =>
            new KafkajsClient({
              brokers: options.brokers,
              clientId: options.clientId,
              logger: {
                error: (o, m) => logger.error({ ...o, msg: m }),
                warn: (o, m) => logger.warn({ ...o, msg: m }),
                info: (o, m) => logger.log({ ...o, msg: m }),
                debug: (o, m) => logger.debug({ ...o, msg: m }),
              },
            }),
        },
      ],
      exports: [KAFKA_CLIENT],
    };
  }
}
