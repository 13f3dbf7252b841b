import type { SqlExecutor } from '@stafett/outbox';
import type { EntityRepository, EntityState, Stored } from '../domain/entity-rules.port';
import { EntityLinks } from './entity-links';

/** An entity's rows and its links, loaded together: what the import path and the REST reads see. */
export class EntityStore<S extends EntityState> {
  readonly links: EntityLinks;

  constructor(
    readonly repository: EntityRepository<S>,
    schema: string,
  ) {
    this.links = new EntityLinks(schema);
  }

  /** `lock` takes the row locks (in id order, so concurrent batches never deadlock). */
  async load(tx: SqlExecutor, ids: readonly string[], lock: boolean): Promise<Map<string, Stored<S>>> {
    if (ids.length === 0) return new Map();
    const sorted = [...new Set(ids)].sort();
    const stored = await this.repository.load(tx, sorted, { lock });
    const links = await this.links.of(tx, [...stored.keys()]);
    for (const [id, s] of stored)
      stored.set(id, {
        version: s.version,
        state: { ...s.state, externalIds: links.get(id) ?? [] },
      });
    return stored;
  }
}
