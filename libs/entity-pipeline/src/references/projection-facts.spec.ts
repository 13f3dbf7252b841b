/** The projections decode only the fields they read: the facts must be those of the whole state. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { contractType, entityContracts, parseSchema, projectedType } from '@stafett/contracts';
import type { ProjectedEntity } from '../domain/entity-rules.port';
import { projectionFacts, PROJECTED_FIELDS } from './projection-facts';

const entities: ProjectedEntity[] = ['organisation', 'person', 'group', 'activity'];

describe('PROJECTED_FIELDS', () => {
  it.each(entities.map((e) => [e]))('should give the facts of a whole %s state from its projected decode', (entity) => {
    const full = contractType(entityContracts(entity).state);
    const reader = projectedType(entityContracts(entity).state, PROJECTED_FIELDS[entity]);
    const resolver = reader.createResolver(full);
    for (let i = 0; i < 50; i++) {
      const state = full.random() as unknown as Record<string, unknown>;
      if (entity === 'person') state['personalIdentityNumber'] = i % 2 === 0 ? '201405124007' : null;
      const written = full.toBuffer(state);
      const whole = full.fromBuffer(written) as Record<string, unknown>;
      const projected = reader.fromBuffer(written, resolver) as Record<string, unknown>;
      expect(Object.keys(projected).sort()).toEqual([...PROJECTED_FIELDS[entity]].sort());
      expect(projectionFacts(entity, projected)).toEqual(projectionFacts(entity, whole));
    }
  });

  it.each(entities.map((e) => [e]))('should read %s states an old writer (released v1) wrote', (entity) => {
    const name = entityContracts(entity).state;
    const old = parseSchema(JSON.parse(readFileSync(path.resolve(__dirname, '../../../contracts/released/v1', `${name}.avsc`), 'utf8')));
    const reader = projectedType(name, PROJECTED_FIELDS[entity]);
    const written = old.toBuffer(old.random());
    const projected = reader.fromBuffer(written, reader.createResolver(old)) as Record<string, unknown>;
    expect(Object.keys(projected).sort()).toEqual([...PROJECTED_FIELDS[entity]].sort());
  });
});
