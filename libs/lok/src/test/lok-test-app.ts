import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { API_ENTITIES, API_MIGRATIONS, configureApiHttp } from '@stafett/api';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { contractType, entityContracts, TopicNames, topicDefinitions, type Activity, type EntityName, type Group, type Organisation, type Person } from '@stafett/contracts';
import { AvroSerde, HttpSchemaRegistryClient, KafkajsClient, KafkaModule, provisionTopics, type KafkaProducerPort } from '@stafett/kafka';
import { stafettDataSourceOptions } from '@stafett/persistence';
import { testKafkaBrokers, testSchemaRegistryUrl, uniqueId } from '@stafett/testing';
import { LOK_ENTITIES, LOK_MIGRATIONS } from '../database/lok-database';
import type { LokConnectorOptions } from '../lok-options';
import { LokModule } from '../lok.module';

@Module({})
class LokTestModule {
  static forRoot(config: StafettConfig, options: LokConnectorOptions): DynamicModule {
    return {
      module: LokTestModule,
      imports: [
        StafettConfigModule.forRoot(config),
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({ databaseUrl: config.databaseUrl, entities: [...API_ENTITIES, ...LOK_ENTITIES], migrations: [...API_MIGRATIONS, ...LOK_MIGRATIONS] }),
          migrationsRun: true,
        }),
        KafkaModule.forRoot({ brokers: config.kafkaBrokers, clientId: 'lok-test', schemaRegistryUrl: config.schemaRegistryUrl! }),
        LokModule.forRoot(options),
      ],
    };
  }
}

/** The LOK-stöd connector alone (no domain service: the test plays them on the state topics), on the test broker, registry and database. */
export async function createLokTestApp(config: StafettConfig, options: LokConnectorOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(LokTestModule.forRoot(config, options), { logger: ['error', 'warn'] });
  configureApiHttp(app);
  app.enableShutdownHooks();
  await app.init();
  return app;
}

/** Produces real Avro state (and tombstones) on the prefixed state topics, as the domain services' relays do. */
export class LokStateTopics {
  readonly names: TopicNames;
  readonly client = new KafkajsClient({ brokers: testKafkaBrokers(), clientId: uniqueId('lok-test') });
  readonly serde = new AvroSerde(new HttpSchemaRegistryClient(testSchemaRegistryUrl()));
  private producer: KafkaProducerPort | undefined;

  constructor(prefix: string) {
    this.names = new TopicNames(prefix);
  }

  async provision(): Promise<void> {
    await provisionTopics(this.client, topicDefinitions({ prefix: this.names.prefix }));
  }

  async send<T extends { id: string }>(entity: EntityName, states: readonly { id: string; value: T | null }[]): Promise<void> {
    const topic = this.names.state(entity);
    const encode = await this.serde.encoderFor<T>(topic, contractType(entityContracts(entity).state));
    this.producer ??= await this.client.producer();
    await this.producer.send(states.map((s) => ({ topic, key: s.id, value: s.value === null ? null : encode(s.value) })));
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    await this.client.close();
  }
}

/** Builders of contract states (synthetic data). */
export const lokState = {
  organisation: (o: Partial<Organisation> & Pick<Organisation, 'name'>): Organisation => ({
    id: randomUUID(),
    type: 'CLUB',
    organisationNumber: null,
    parentId: null,
    municipalityCode: null,
    sports: [],
    email: null,
    phone: null,
    address: null,
    status: 'ACTIVE',
    externalIds: [],
    federations: [],
    ...o,
  }),
  person: (p: Partial<Person> & Pick<Person, 'firstName' | 'lastName' | 'birthDate'>): Person => ({
    id: randomUUID(),
    personalIdentityNumber: null,
    sex: 'FEMALE',
    address: null,
    email: null,
    phone: null,
    status: 'ACTIVE',
    memberships: [],
    guardians: [],
    disability: false,
    externalIds: [],
    ...p,
  }),
  group: (g: Partial<Group> & Pick<Group, 'organisationId' | 'name'>): Group => ({
    id: randomUUID(),
    type: 'TRAINING',
    sport: null,
    members: [],
    status: 'ACTIVE',
    externalIds: [],
    ...g,
  }),
  activity: (a: Partial<Activity> & Pick<Activity, 'organisationId' | 'startsAt' | 'endsAt'>): Activity => ({
    id: randomUUID(),
    groupId: null,
    type: 'TRAINING',
    title: 'Träning',
    sport: null,
    location: null,
    status: 'HELD',
    participants: [],
    externalIds: [],
    ...a,
  }),
};
