import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureDatabase } from '@stafett/persistence';
import { schemaRegistryDataSourceOptions } from './database/schema-registry-data-source';
import { SchemaRegistryModule } from './schema-registry.module';
import { SchemaRegistryNotFoundFilter } from './schema-registry-exception.filter';
import { registryWriteKeyProviders } from './registry-write-keys';

export interface StartSchemaRegistryOptions {
  readonly databaseUrl: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The keys that may write (register, set compatibility, delete); reads are open. None: nobody may write. */
  readonly adminKeys: readonly string[];
}

export interface RunningSchemaRegistry {
  /** Base URL of the registry, e.g. `http://127.0.0.1:40123`: a client's `host`. */
  readonly url: string;
  close(): Promise<void>;
}

@Module({})
class EmbeddedSchemaRegistryModule {
  static forRoot(databaseUrl: string, adminKeys: readonly string[]): DynamicModule {
    return {
      module: EmbeddedSchemaRegistryModule,
      providers: registryWriteKeyProviders(adminKeys),
      imports: [
        TypeOrmModule.forRoot({
          ...schemaRegistryDataSourceOptions({ databaseUrl, poolSize: 5 }),
          logging: ['error'],
          retryAttempts: 1,
          retryDelay: 500,
        }),
        SchemaRegistryModule,
      ],
    };
  }
}

/**
 * Starts the registry alone in this process (test harnesses, `npm start` without a
 * SCHEMA_REGISTRY_URL): creates the database when missing, runs the migrations and listens.
 * Quiet: no request logs, errors only. Writes need one of `adminKeys` (Bearer, or Basic with the
 * key as password); reads are open.
 */
export async function startSchemaRegistry(options: StartSchemaRegistryOptions): Promise<RunningSchemaRegistry> {
  const host = options.host ?? '127.0.0.1';
  await ensureDatabase(options.databaseUrl);
  const app = await NestFactory.create(EmbeddedSchemaRegistryModule.forRoot(options.databaseUrl, options.adminKeys), {
    logger: ['error', 'fatal'],
    // The registry reads its own JSON bodies (all three media types, Confluent-shaped errors).
    bodyParser: false,
    // Reject instead of exiting the process when the database is unusable.
    abortOnError: false,
  });
  // The app is the registry alone: unknown routes answer in Confluent's shape too.
  app.useGlobalFilters(new SchemaRegistryNotFoundFilter());
  try {
    await app.listen(options.port ?? 0, host);
  } catch (e) {
    await app.close();
    throw e;
  }
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${port}`, close: () => app.close() };
}
