import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { StafettConfig } from '@stafett/config';
import { CONNECTORS_MIGRATIONS, ConnectorsModule } from '@stafett/connectors';
import { OrganisationTree } from '@stafett/entity-pipeline';
import { MemberFileConnector, MemberFileConnectorModule, memberFileExternalIdKey } from '@stafett/member-file';
import { poolOf } from '@stafett/persistence';
import { connectorServiceImports } from '@stafett/service-host';

/**
 * The member-file connector alone: `/v1/connectors` (agreements, runs, checkpoints, reports) hosting
 * the member-file type, and `GET /v1/member-file/export` against the platform at STAFETT_PLATFORM_URL,
 * against an external registry (SCHEMA_REGISTRY_URL).
 */
@Module({})
export class ConnectorMemberFileModule {
  static forRoot(config: StafettConfig): DynamicModule {
    const memberFile = MemberFileConnectorModule.forRoot({ externalIdKey: memberFileExternalIdKey(config), platformUrl: config.platformUrl });
    return {
      module: ConnectorMemberFileModule,
      imports: connectorServiceImports(config, {
        serviceName: 'connector-member-file',
        migrations: CONNECTORS_MIGRATIONS,
        modules: [
          ConnectorsModule.forRoot({
            connectors: [MemberFileConnector],
            connectorImports: [memberFile],
            // Scoped keys see the connectors of their subtree, by the organisation service's projection in the shared
            // database (`organisation.organisation_edge`, created by the migration Job); the all-in-one reads its shared one.
            organisationSubtrees: { inject: [getDataSourceToken()], useFactory: (dataSource: DataSource) => new OrganisationTree('organisation', poolOf(dataSource)) },
          }),
          memberFile,
        ],
      }),
    };
  }
}
