import type { ExternalId } from '@stafett/contracts';
import { quoteIdent, type SqlExecutor } from '@stafett/outbox';
import { rows } from './sql';

export const linkKey = (system: string, externalId: string): string => `${system}\u0000${externalId}`;

/** The (source system, external id) → entity links of one domain's schema. */
export class EntityLinks {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${quoteIdent(schema)}.external_id`;
  }

  /** linkKey → entity id, for the keys that are linked (one primary-key probe per key). */
  async find(tx: SqlExecutor, keys: readonly { system: string; externalId: string }[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const found = await rows<{
      system: string;
      external_id: string;
      entity_id: string;
    }>(
      tx,
      `SELECT e.system, e.external_id, e.entity_id FROM ${this.table} e
         JOIN unnest($1::text[], $2::text[]) AS k(system, external_id) USING (system, external_id)`,
      [keys.map((k) => k.system), keys.map((k) => k.externalId)],
    );
    return new Map(found.map((r) => [linkKey(r.system, r.external_id), r.entity_id]));
  }

  /** Each entity's links, in the order they were added. */
  async of(tx: SqlExecutor, ids: readonly string[]): Promise<Map<string, ExternalId[]>> {
    const out = new Map<string, ExternalId[]>();
    if (ids.length === 0) return out;
    const found = await rows<{
      entity_id: string;
      system: string;
      external_id: string;
    }>(tx, `SELECT entity_id, system, external_id FROM ${this.table} WHERE entity_id = ANY($1::uuid[]) ORDER BY entity_id, position`, [ids]);
    for (const r of found) {
      const list = out.get(r.entity_id);
      const link = { system: r.system, id: r.external_id };
      if (list) list.push(link);
      else out.set(r.entity_id, [link]);
    }
    return out;
  }

  /**
   * Writes the links of saved entities. Links are only ever added (an entity keeps every id a source
   * gave it), so only the new ones are inserted: `before` holds the links each entity had.
   */
  async add(
    tx: SqlExecutor,
    entities: readonly {
      id: string;
      externalIds: readonly ExternalId[];
      before: readonly ExternalId[];
    }[],
  ): Promise<void> {
    const system: string[] = [];
    const externalId: string[] = [];
    const entityId: string[] = [];
    const position: number[] = [];
    for (const e of entities) {
      for (let i = e.before.length; i < e.externalIds.length; i++) {
        system.push(e.externalIds[i].system);
        externalId.push(e.externalIds[i].id);
        entityId.push(e.id);
        position.push(i);
      }
    }
    if (system.length === 0) return;
    await tx.query(`INSERT INTO ${this.table} (system, external_id, entity_id, position) SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::smallint[])`, [
      system,
      externalId,
      entityId,
      position,
    ]);
  }

  async deleteOf(tx: SqlExecutor, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await tx.query(`DELETE FROM ${this.table} WHERE entity_id = ANY($1::uuid[])`, [ids]);
  }
}
