import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { StafettConfigModule, type StafettConfig } from '@stafett/config';
import { checkKafka, checkSchemaRegistry, KAFKA_CLIENT, KafkaModule, type KafkaClientPort } from '@stafett/kafka';
import { AgreementBook, checkAgreements, SHARED_REFERENCES_SCHEMA, SharedReferencesModule } from '@stafett/entity-pipeline';
import { HealthModule, LoggingModule, MetricsModule, type ReadinessCheck } from '@stafett/observability';
import { checkPostgres, poolOf, stafettDataSourceOptions } from '@stafett/persistence';
import { ActivityModule } from '@stafett/activity';
import { CalendarFeedsModule } from '@stafett/calendar-feeds';
import { ChangesModule } from '@stafett/changes';
import { LokModule } from '@stafett/lok';
import { ConnectorsModule, type ConnectorsModuleOptions } from '@stafett/connectors';
import { MemberFileConnector, MemberFileConnectorModule, memberFileExternalIdKey } from '@stafett/member-file';
import { OrganisationTree } from '@stafett/entity-pipeline';
import { GroupModule } from '@stafett/group';
import { OrganisationModule } from '@stafett/organisation';
import { ImportsModule } from '@stafett/imports';
import { PersonModule } from '@stafett/person';
import { InProcessSchemaRegistryClient, SchemaRegistryModule, SchemaRegistryService } from '@stafett/schema-registry';
import { PLATFORM_ENTITIES, PLATFORM_IMPORT_ENTITIES, PLATFORM_MIGRATIONS } from './platform-schema';

/** SCHEMA_REGISTRY_URL, else the built-in registry this process serves under /registry. */
export function builtInOrConfiguredRegistry(config: StafettConfig): string {
  return config.schemaRegistryUrl ?? `http://127.0.0.1:${config.port}/registry`;
}

/** What the all-in-one hosts beyond the platform: the connector types it runs (default: the member file). */
export interface AppOptions {
  readonly connectors?: ConnectorsModuleOptions['connectors'];
}

/** The all-in-one platform: every service's module in one process (they join as they land). */
@Module({})
export class AppModule {
  static forRoot(config: StafettConfig, options: AppOptions = {}): DynamicModule {
    const registryUrl = builtInOrConfiguredRegistry(config);
    const builtInRegistry = config.schemaRegistryUrl === undefined;
    // The member-file connector (and its register export) against this process's own REST API.
    const memberFile = MemberFileConnectorModule.forRoot({ externalIdKey: memberFileExternalIdKey(config), platformUrl: config.platformUrl });
    return {
      module: AppModule,
      imports: [
        StafettConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: 'stafett', level: config.logLevel }),
        MetricsModule,
        TypeOrmModule.forRoot({
          ...stafettDataSourceOptions({ databaseUrl: config.databaseUrl, entities: PLATFORM_ENTITIES, migrations: PLATFORM_MIGRATIONS }),
          migrationsRun: config.migrateAtStart,
        }),
        KafkaModule.forRoot({
          brokers: config.kafkaBrokers,
          clientId: 'stafett',
          schemaRegistryUrl: registryUrl,
          // The built-in registry answers in-process: services can register their schemas while the app starts.
          ...(builtInRegistry
            ? { registry: { imports: [SchemaRegistryModule], inject: [SchemaRegistryService], useFactory: (svc: SchemaRegistryService) => new InProcessSchemaRegistryClient(svc) } }
            : {}),
        }),
        ...(builtInRegistry ? [SchemaRegistryModule, RouterModule.register([{ path: 'registry', module: SchemaRegistryModule }])] : []),
        // The four services share one projection of the state topics (ADR 0007): each state record is written once.
        SharedReferencesModule.forRoot(),
        OrganisationModule.forRoot(),
        PersonModule.forRoot(),
        GroupModule.forRoot(),
        ActivityModule.forRoot(),
        ImportsModule.forRoot({ entityTypes: PLATFORM_IMPORT_ENTITIES }),
        ChangesModule.forRoot(),
        ConnectorsModule.forRoot({
          connectors: options.connectors ?? [MemberFileConnector],
          connectorImports: [memberFile],
          // Scoped keys see the connectors of their subtree, by the services' shared projection of the organisation state topic.
          organisationSubtrees: { inject: [getDataSourceToken()], useFactory: (dataSource: DataSource) => new OrganisationTree(SHARED_REFERENCES_SCHEMA, poolOf(dataSource)) },
        }),
        CalendarFeedsModule.forRoot(),
        memberFile,
        // Sink connectors: they read the state topics into their own schemas.
        LokModule.forRoot(),
        HealthModule.forRoot({
          inject: [getDataSourceToken(), KAFKA_CLIENT, AgreementBook],
          useFactory: (dataSource: DataSource, kafka: KafkaClientPort, agreements: AgreementBook): ReadinessCheck[] => [
            { name: 'postgres', run: () => checkPostgres(dataSource) },
            { name: 'kafka', timeoutMs: 5_000, run: () => checkKafka(kafka) },
            { name: 'registry', run: (signal) => checkSchemaRegistry(registryUrl, signal) },
            { name: 'agreements', run: () => checkAgreements(agreements) },
          ],
        }),
      ],
    };
  }
}
