import type { Pool } from 'pg';
import { quoteIdent, type SqlExecutor } from '@stafett/outbox';
import { rows } from '../database/sql';

/**
 * Organisation subtrees, from this service's projection of the organisation state topic
 * (`<schema>.organisation_edge`: an organisation's parent and the federations it belongs to). An
 * organisation-scoped API key sees an entity when one of its organisations is in the key's subtree.
 * The walk follows an index per level; Swedish sport's hierarchy is a handful of levels deep.
 */
export class OrganisationTree {
  private readonly edges: string;

  constructor(
    schema: string,
    private readonly pool: Pool,
  ) {
    this.edges = `${quoteIdent(schema)}.organisation_edge`;
  }

  /** The root and every organisation below it. */
  async subtree(root: string, db: SqlExecutor = this.pool): Promise<string[]> {
    const found = await rows<{ id: string }>(
      db,
      `WITH RECURSIVE sub(id) AS (SELECT $1::uuid UNION SELECT e.child_id FROM ${this.edges} e JOIN sub ON e.parent_id = sub.id) SELECT id FROM sub`,
      [root],
    );
    return found.map((r) => r.id);
  }

  /** Several roots' subtrees in one query (root → the root and every organisation below it). */
  async subtrees(roots: readonly string[], db: SqlExecutor = this.pool): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>(roots.map((r) => [r, new Set([r])]));
    if (roots.length === 0) return out;
    const found = await rows<{ root: string; id: string }>(
      db,
      `WITH RECURSIVE sub(root, id) AS (SELECT r, r FROM unnest($1::uuid[]) AS r UNION SELECT sub.root, e.child_id FROM ${this.edges} e JOIN sub ON e.parent_id = sub.id) SELECT root::text, id::text FROM sub`,
      [roots],
    );
    for (const f of found) out.get(f.root)?.add(f.id);
    return out;
  }

  /** Whether one of `organisationIds` is `root` or below it (walks up from them: no subtree is listed). */
  async containsAny(root: string, organisationIds: readonly string[], db: SqlExecutor = this.pool): Promise<boolean> {
    if (organisationIds.length === 0) return false;
    if (organisationIds.includes(root)) return true;
    const found = await rows<{ hit: boolean }>(
      db,
      `WITH RECURSIVE up(id) AS (SELECT unnest($2::uuid[]) UNION SELECT e.parent_id FROM ${this.edges} e JOIN up ON e.child_id = up.id) SELECT EXISTS (SELECT 1 FROM up WHERE id = $1::uuid) AS hit`,
      [root, organisationIds],
    );
    return found[0]?.hit === true;
  }
}
