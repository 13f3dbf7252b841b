import {
  Controller,
  Get,
  Module,
  NotFoundException,
  ValidationPipe,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory, RouterModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublicRoute } from '@stafett/api';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { testDatabaseUrl, uniqueId } from '@stafett/testing';
import { SCHEMA_REGISTRY_ENTITIES, SCHEMA_REGISTRY_MIGRATIONS } from './database/schema-registry-data-source';
import { SchemaRegistryModule } from './schema-registry.module';
import { registryWriteKeyProviders } from './registry-write-keys';

/** Writes need an admin key, checked by the host's guard (as ApiModule's in the all-in-one app). */
const ADMIN_KEY = `stf_${uniqueId('mounted-admin')}`;

/** A route of the host app, to show the registry's error filter stays on the registry's routes. */
@PublicRoute()
@Controller('things')
class ThingsController {
  @Get(':id')
  thing(): never {
    throw new NotFoundException('no such thing');
  }
}

/** Shaped like the all-in-one app: one DataSource for every module, the registry under /registry. */
@Module({})
class HostAppModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: HostAppModule,
      providers: registryWriteKeyProviders([ADMIN_KEY]),
      imports: [
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({
            databaseUrl,
            entities: [...SCHEMA_REGISTRY_ENTITIES],
            migrations: [...SCHEMA_REGISTRY_MIGRATIONS],
          }),
          migrationsRun: true,
          logging: ['error'],
        }),
        SchemaRegistryModule,
        RouterModule.register([{ path: 'registry', module: SchemaRegistryModule }]),
      ],
      controllers: [ThingsController],
    };
  }
}

const schema = JSON.stringify({
  type: 'record',
  name: 'Activity',
  namespace: 'se.stafett.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'title', type: 'string' },
  ],
});

describe('SchemaRegistryModule mounted under /registry', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await NestFactory.create(HostAppModule.forRoot(testDatabaseUrl()), { logger: ['error'], abortOnError: false });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true, forbidUnknownValues: true }));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  it('should work with the official client given the prefix in its host', async () => {
    const subject = uniqueId('activity-value');
    const client = new SchemaRegistry({ host: `${base}/registry`, auth: { username: 'mounted', password: ADMIN_KEY } });
    const { id } = await client.register({ type: SchemaType.AVRO, schema }, { subject });
    const record = { id: 'a-1', title: 'Träning P12' };

    const decoded = await new SchemaRegistry({ host: `${base}/registry/` }).decode(await client.encode(id, record));
    expect(decoded).toEqual(record);
    expect(await client.getLatestSchemaId(subject)).toBe(id);
  });

  it('should answer the registry API and its errors under the prefix only', async () => {
    const subject = uniqueId('activity-value');
    const register = await fetch(`${base}/registry/subjects/${subject}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ schema }),
    });
    expect(register.status).toBe(200);
    const { id } = (await register.json()) as { id: number };

    const latest = await fetch(`${base}/registry/subjects/${subject}/versions/latest`);
    expect(latest.headers.get('content-type')).toBe('application/vnd.schemaregistry.v1+json; charset=utf-8');
    expect(await latest.json()).toEqual({ subject, id, version: 1, schema });
    const config = await fetch(`${base}/registry/config`);
    expect(await config.json()).toEqual({ compatibilityLevel: 'BACKWARD_TRANSITIVE' });

    const missing = await fetch(`${base}/registry/schemas/ids/2000000001`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error_code: 40403, message: 'Schema 2000000001 not found' });
    const unknownRoute = await fetch(`${base}/registry/subjects/${subject}/nothing/here`);
    expect(await unknownRoute.json()).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });
    const outsideNamespaces = await fetch(`${base}/registry/nothing`);
    expect(await outsideNamespaces.json()).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });

    // Not served at the root, and the host app's own errors keep Nest's shape.
    const root = await fetch(`${base}/subjects`);
    expect(root.status).toBe(404);
    expect(await root.json()).toMatchObject({ statusCode: 404 });
    const thing = await fetch(`${base}/things/1`);
    expect(await thing.json()).toEqual({ statusCode: 404, message: 'no such thing', error: 'Not Found' });
  });
});
