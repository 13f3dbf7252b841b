export { CONNECTORS_MIGRATIONS } from './database/connectors-database';
export { type ConnectorsModuleOptions } from './connectors-options';
export { ConnectorsModule } from './connectors.module';
export { ConnectorsService, type ConnectorListItem, type ConnectorState, type ConnectorStatus } from './connectors.service';
export { AGREEMENT_SCHEMA, CONNECTOR_ID_PATTERN, checkAgreement, type AgreementDocument, type AgreementInput } from './domain/agreement-schema';
export * from './scheduling/connector-scheduler';
