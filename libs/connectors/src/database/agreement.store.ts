import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '@stafett/persistence';
import type { AgreementDocument, AgreementInput } from '../domain/agreement-schema';

export interface StoredAgreement {
  readonly agreement: AgreementDocument;
  readonly paused: boolean;
}

interface Row {
  agreement: AgreementDocument;
  revision: string;
  updated_at: Date;
  paused: boolean;
}

const stored = (r: Row): StoredAgreement => ({ agreement: { ...r.agreement, revision: Number(r.revision), updatedAt: r.updated_at.toISOString() }, paused: r.paused });

/** `connect.agreement`: one row per connector instance. Writes run in the caller's transaction, beside the outbox row that publishes them. */
export class AgreementStore {
  constructor(readonly pool: Pool) {}

  transaction<T>(work: (tx: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }

  /** The agreement of a connector, whoever may see it (the service decides by the key's subtree). */
  async get(connectorId: string, db: Pool | PoolClient = this.pool, lock = false): Promise<StoredAgreement | undefined> {
    const { rows } = await db.query<Row>(`SELECT agreement, revision, updated_at, paused FROM connect.agreement WHERE connector_id = $1${lock ? ' FOR UPDATE' : ''}`, [
      connectorId,
    ]);
    return rows[0] ? stored(rows[0]) : undefined;
  }

  /** `within`: the organisations of a scoped key's subtree (only their connectors); null: every connector. */
  async list(within: readonly string[] | null): Promise<StoredAgreement[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT agreement, revision, updated_at, paused FROM connect.agreement WHERE ($1::uuid[] IS NULL OR organisation_id = ANY($1::uuid[])) ORDER BY connector_id LIMIT 1000`,
      [within],
    );
    return rows.map(stored);
  }

  /** Every agreement the scheduler may start (CRON or CONTINUOUS, not paused), however many connectors there are. */
  async scheduled(): Promise<StoredAgreement[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT agreement, revision, updated_at, paused FROM connect.agreement WHERE NOT paused AND agreement->'schedule'->>'kind' IN ('CRON', 'CONTINUOUS') ORDER BY connector_id`,
    );
    return rows.map(stored);
  }

  /** Inserts a new agreement at revision 1; undefined when the connector id is taken. */
  async insert(tx: PoolClient, input: AgreementInput): Promise<StoredAgreement | undefined> {
    const { rows } = await tx.query<Row>(
      `INSERT INTO connect.agreement (connector_id, organisation_id, connector_type, revision, agreement) VALUES ($1, $2, $3, 1, $4)
       ON CONFLICT (connector_id) DO NOTHING RETURNING agreement, revision, updated_at, paused`,
      [input.connectorId, input.organisationId, input.connectorType, JSON.stringify(input)],
    );
    return rows[0] ? stored(rows[0]) : undefined;
  }

  async update(tx: PoolClient, input: AgreementInput): Promise<StoredAgreement> {
    const { rows } = await tx.query<Row>(
      `UPDATE connect.agreement SET organisation_id = $2, connector_type = $3, agreement = $4, revision = revision + 1, updated_at = now()
       WHERE connector_id = $1 RETURNING agreement, revision, updated_at, paused`,
      [input.connectorId, input.organisationId, input.connectorType, JSON.stringify(input)],
    );
    return stored(rows[0]);
  }

  async setPaused(connectorId: string, paused: boolean): Promise<void> {
    await this.pool.query(`UPDATE connect.agreement SET paused = $2 WHERE connector_id = $1`, [connectorId, paused]);
  }

  async delete(tx: PoolClient, connectorId: string): Promise<void> {
    await tx.query(`DELETE FROM connect.agreement WHERE connector_id = $1`, [connectorId]);
  }

  async all(): Promise<StoredAgreement[]> {
    const { rows } = await this.pool.query<Row>(`SELECT agreement, revision, updated_at, paused FROM connect.agreement ORDER BY connector_id`);
    return rows.map(stored);
  }
}
