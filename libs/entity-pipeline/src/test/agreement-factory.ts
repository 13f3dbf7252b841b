import type { ConnectorAgreement, EntityAgreement } from '@stafett/contracts';

/** An agreement for tests: one connector, its organisation and source system, the entities given. */
export function testAgreement(connectorId: string, entities: Partial<EntityAgreement>[], overrides: Partial<ConnectorAgreement> = {}): ConnectorAgreement {
  return {
    connectorId,
    revision: 1,
    connectorType: 'member-file',
    name: `Connector ${connectorId}`,
    organisationId: '11111111-1111-4111-8111-111111111111',
    direction: 'IMPORT',
    sourceSystem: `${connectorId}-system`,
    entities: entities.map((e) => ({ entity: 'person', fields: [], ownedFields: [], matchKeys: ['externalId'], onDelete: 'IGNORE', ...e })),
    schedule: { kind: 'MANUAL', cron: null },
    config: '{}',
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...overrides,
  };
}
