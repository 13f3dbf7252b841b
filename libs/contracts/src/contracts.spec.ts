import { readFileSync } from 'node:fs';
import path from 'node:path';
import avro from 'avsc';
import { checkAgainstReleases, generateContracts, loadAvroDir, TOP_LEVEL } from '../codegen/generate-contracts.ts';
import { contractType, entityContracts, parseSchema, projectedType } from './contract-types';
import type { Person, PersonChanged } from './generated/contracts.generated';

const root = path.resolve(__dirname, '..');
const avroDir = path.join(root, 'avro');

describe('generated contracts', () => {
  it('should match the .avsc files (run `npm run contracts:generate` after changing them)', () => {
    const checkedIn = readFileSync(path.join(root, 'src/generated/contracts.generated.ts'), 'utf8');
    expect(checkedIn).toBe(generateContracts(avroDir));
  });

  it('should keep every field name of DESIGN §2 in the change envelope', () => {
    const fields = (contractType('se.stafett.person.PersonChanged') as avro.types.RecordType).fields.map((f) => f.name);
    expect(fields).toEqual(['eventId', 'entityId', 'version', 'op', 'occurredAt', 'source', 'correlationId', 'causationId', 'before', 'after', 'changedFields']);
  });
});

describe('contract evolution (BACKWARD_TRANSITIVE against released/)', () => {
  it('should read data written with every released version', () => {
    expect(checkAgainstReleases(loadAvroDir(avroDir), path.join(root, 'released'))).toEqual([]);
  });

  it.each(TOP_LEVEL.map((n) => [n]))('should decode a record an old writer of %s wrote', (name) => {
    const old = parseSchema(JSON.parse(readFileSync(path.join(root, 'released/v1', `${name}.avsc`), 'utf8')));
    const reader = contractType(name);
    for (let i = 0; i < 20; i++) {
      const written = old.random();
      const read: unknown = reader.fromBuffer(old.toBuffer(written), reader.createResolver(old));
      expect(reader.isValid(read)).toBe(true);
      // Everything the old writer wrote survives the read (added fields come on top, with their defaults).
      expect(old.toBuffer(read).equals(old.toBuffer(written))).toBe(true);
    }
  });

  it('should read an organisation of the released v1 (no federations) with federations []', () => {
    const old = parseSchema(JSON.parse(readFileSync(path.join(root, 'released/v1', 'se.stafett.organisation.Organisation.avsc'), 'utf8')));
    const reader = contractType('se.stafett.organisation.Organisation');
    const written = {
      id: 'o1',
      type: 'CLUB',
      name: 'IK Stafett',
      organisationNumber: null,
      parentId: null,
      municipalityCode: null,
      sports: [],
      email: null,
      phone: null,
      address: null,
      status: 'ACTIVE',
      externalIds: [],
    };
    expect(reader.fromBuffer(old.toBuffer(written), reader.createResolver(old))).toMatchObject({ ...written, federations: [] });
  });

  it('should flag a new required field without a default as a breaking change', () => {
    const current = loadAvroDir(avroDir);
    const person = current['se.stafett.person.Person'].schema({ exportAttrs: true }) as { fields: unknown[] };
    const broken = parseSchema({ ...person, fields: [...person.fields, { name: 'shoeSize', type: 'int' }] });
    const problems = checkAgainstReleases({ ...current, 'se.stafett.person.Person': broken }, path.join(root, 'released'));
    expect(problems).toEqual([{ contract: 'se.stafett.person.Person', release: 'v1', reason: expect.stringContaining('shoeSize') }]);
  });

  it('should let a new optional field read old data with its default', () => {
    const person = contractType('se.stafett.person.Person');
    const schema = person.schema({ exportAttrs: true }) as { fields: unknown[] };
    const next = parseSchema({ ...schema, fields: [...schema.fields, { name: 'nickname', type: ['null', 'string'], default: null }] });
    const old: Person = { id: 'p1', firstName: 'Anna', lastName: 'Berg', birthDate: '2010-05-17', sex: 'FEMALE', status: 'ACTIVE' };
    const read = next.fromBuffer(person.toBuffer(old), next.createResolver(person)) as Person & { nickname: string | null };
    expect(read).toMatchObject({ ...old, nickname: null, memberships: [], externalIds: [], disability: false });
  });
});

describe('logical types', () => {
  const changed = contractType(entityContracts('person').changed);
  const event: PersonChanged = {
    eventId: 'e1',
    entityId: 'p1',
    version: 1,
    op: 'CREATE',
    occurredAt: new Date('2026-11-28T10:00:00.123Z'),
    source: { system: 'test' },
    after: { id: 'p1', firstName: 'Anna', lastName: 'Berg', birthDate: '2010-05-17', sex: 'FEMALE', status: 'ACTIVE' },
  };

  it('should round-trip dates as YYYY-MM-DD and timestamps as Date', () => {
    const back = changed.fromBuffer(changed.toBuffer(event)) as PersonChanged;
    expect(back.occurredAt).toEqual(new Date('2026-11-28T10:00:00.123Z'));
    expect(back.after?.birthDate).toBe('2010-05-17');
  });

  it.each([['0001-01-01'], ['0099-12-31'], ['1800-01-01']])('should round-trip the date %s as that year (not 19xx)', (birthDate) => {
    const back = changed.fromBuffer(changed.toBuffer({ ...event, after: { ...event.after!, birthDate } })) as PersonChanged;
    expect(back.after?.birthDate).toBe(birthDate);
  });

  it.each([['2010-02-30'], ['2010-5-17'], ['17/05/2010']])('should refuse to encode the birth date %s', (birthDate) => {
    expect(() => changed.toBuffer({ ...event, after: { ...event.after!, birthDate } })).toThrow(/invalid/);
  });
});

describe('projectedType with nested records', () => {
  it('should narrow a union of null and a record to the fields kept, and refuse what it cannot narrow', () => {
    const reader = projectedType('se.stafett.person.PersonChanged', ['entityId', 'after'], { after: ['memberships'] });
    expect((reader.schema() as { fields: { name: string }[] }).fields.map((f) => f.name)).toEqual(['entityId', 'after']);
    expect(() => projectedType('se.stafett.person.PersonChanged', ['entityId'], { after: ['memberships'] })).toThrow('after is narrowed but not kept');
    expect(() => projectedType('se.stafett.person.PersonChanged', ['entityId', 'source'], { entityId: ['x'] })).toThrow('entityId is not a record or a union of null and a record');
    expect(() => projectedType('se.stafett.person.PersonChanged', ['after'], { after: ['nickname'] })).toThrow('se.stafett.person.Person has no field nickname');
  });
});
