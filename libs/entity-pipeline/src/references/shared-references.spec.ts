/** SharedReferences: one write of the projection, then what follows it in each service that projects the entity. */
import { TopicNames } from '@stafett/contracts';
import type { AvroSerde, KafkaClientPort } from '@stafett/kafka';
import type { Pool } from 'pg';
import { PipelineMetrics } from '../metrics/pipeline-metrics';
import type { EntityWriter } from '../write/entity-writer';
import type { EntityState } from '../domain/entity-rules.port';
import { ReferenceKeys } from './reference-keys';
import type { ProjectionApplied } from './reference-projection';
import { SharedReferences } from './shared-references';

type Writer = EntityWriter<EntityState, unknown, unknown, unknown>;

describe(SharedReferences.name, () => {
  const person = '0b7e3c1a-2f4b-4c7e-9a51-0b8f3c2d1e00';
  const shared = (prefix = '') =>
    new SharedReferences('reference', new TopicNames(prefix), {} as Pool, new ReferenceKeys(Buffer.from('k')), {} as KafkaClientPort, {} as AvroSerde, new PipelineMetrics());

  /** A writer that records what reached it; `removedFrom` gives what its rules derive. */
  const writer = (entity: string, seen: { entity: string; projected: string; applied: ProjectionApplied }[], prefix = '') =>
    ({
      rules: { entity },
      topics: new TopicNames(prefix),
      onProjected: async (_tx: unknown, projected: string, applied: ProjectionApplied) => {
        seen.push({ entity, projected, applied });
        return applied.upserted.map((id) => ({ recordId: `derived-${entity}`, outcome: 'UPDATED', entityId: id, version: 2, reasons: [] }));
      },
    }) as unknown as Writer;

  it('should write a state record once and hand what changed to every service that projects its entity, and to no other', async () => {
    const refs = shared();
    const seen: { entity: string; projected: string; applied: ProjectionApplied }[] = [];
    refs.join(writer('group', seen), ['organisation', 'person']);
    refs.join(writer('activity', seen), ['organisation', 'person', 'group']);
    refs.join(writer('organisation', seen), ['organisation']);
    expect(refs.entities).toEqual(['group', 'organisation', 'person']);
    const statements: string[] = [];
    // The projection's one upsert statement answers with the entities it applied.
    const tx = {
      query: async (sql: string) => {
        statements.push(sql);
        return { rows: [{ id: person }] };
      },
    };
    const derived = await refs.project(tx, 'person', [{ id: person, version: 1, state: { personalIdentityNumber: null, memberships: [], externalIds: [{ system: 'reg', id: 'p-1' }] } }]);
    expect(statements.filter((s) => s.includes('reference') && s.includes('known_entity'))).toHaveLength(1);
    expect(seen.map((s) => s.entity)).toEqual(['group', 'activity']);
    expect(seen[0].applied).toEqual({ upserted: [person], removed: [], keys: [`id:person:${person}`, 'link:person:reg\u001fp-1'] });
    expect(derived.map((d) => d.entity)).toEqual(['group', 'activity']);
  });

  it('should refuse a pipeline that joins after the consumer began, or on other topics', () => {
    const refs = shared('a.');
    expect(() => refs.join(writer('group', [], 'b.'), ['person'])).toThrow(/topic prefix "b\." is not the shared projection's "a\."/);
    refs.join(writer('group', [], 'a.'), []);
    // Nothing to project: begin starts no consumer of Kafka (the fake client would throw).
    refs.begin();
    expect(() => refs.join(writer('activity', [], 'a.'), ['person'])).toThrow(/joined the shared projection after it began/);
  });
});
