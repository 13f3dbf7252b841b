import { contractType, entityContracts } from '@stafett/contracts';
import { contractErrors } from './contract-errors';

describe(contractErrors.name, () => {
  const type = contractType(entityContracts('person').importRecord);
  const record = (payload: Record<string, unknown>) => ({
    recordId: '0b0b8f3e-4d6c-4f55-9d43-5b5f1c1a2b3c',
    batchId: '8d7c6b5a-4d3c-4b2a-9f1e-0d9c8b7a6f5e',
    source: { system: 'club', connectorId: null },
    externalId: 'm-1',
    op: 'UPSERT',
    receivedAt: new Date(),
    payload,
  });

  it('should find nothing wrong with a partial payload that fits the contract', () => {
    expect(contractErrors(type, record({ firstName: 'Anna', birthDate: '2010-05-17', address: { postalCode: '11455' } }), 'records[0]')).toEqual([]);
  });

  it('should name the field and the expected type, not the value', () => {
    expect(contractErrors(type, record({ firstName: 'Anna', sex: 'F', birthDate: '2010-02-30', disability: 'yes' }), 'records[2]')).toEqual([
      { field: 'records[2].payload.birthDate', code: 'INVALID_DATE', message: 'must be a date written YYYY-MM-DD (or null)' },
      { field: 'records[2].payload.sex', code: 'INVALID_ENUM', message: 'must be one of FEMALE, MALE, UNKNOWN' },
      { field: 'records[2].payload.disability', code: 'INVALID_FORMAT', message: 'must be true or false (or null)' },
    ]);
  });

  it('should name nested fields with their index', () => {
    const errors = contractErrors(
      type,
      record({
        memberships: [
          { organisation: { id: 'x' }, from: '2024-01-01' },
          { organisation: { id: 'y' }, from: 17 },
        ],
      }),
      'records[0]',
    );
    expect(errors).toEqual([{ field: 'records[0].payload.memberships[1].from', code: 'INVALID_DATE', message: 'must be a date written YYYY-MM-DD' }]);
  });

  it('should name a field the contract does not have', () => {
    expect(contractErrors(type, record({ fristName: 'Anna' }), 'records[5]')).toEqual([
      { field: 'records[5].payload.fristName', code: 'UNKNOWN_FIELD', message: 'is not a field of se.stafett.person.PersonImportPayload' },
    ]);
  });
});
