import { Injectable } from '@nestjs/common';
import type { OrganisationStatus, OrganisationType } from '@stafett/contracts';
import { rows, type EntityRepository, type Stored } from '@stafett/entity-pipeline';
import type { SqlExecutor } from '@stafett/outbox';
import type { Dependent, HierarchyNode } from '../domain/organisation-hierarchy';
import type { FederationState, OrganisationState } from '../domain/organisation.model';

interface OrganisationRow {
  id: string;
  type: OrganisationType;
  name: string;
  organisation_number: string | null;
  parent_id: string | null;
  municipality_code: string | null;
  sports: string[];
  email: string | null;
  phone: string | null;
  street: string | null;
  postal_code: string | null;
  city: string | null;
  country_code: string | null;
  status: OrganisationStatus;
  version: string;
}

export type StoredOrganisation = Stored<OrganisationState>;

/** Organisations named by id, by (system, externalId) link or by organisationsnummer. */
export interface OrganisationKeys {
  readonly ids: readonly string[];
  readonly links: readonly { readonly system: string; readonly externalId: string }[];
  readonly organisationNumbers: readonly string[];
}

/**
 * The organisations named by `keys` (a CTE over the primary key, the link table's key and the
 * organisationsnummer index, with parameters $1–$4).
 */
const NAMED = `named(id) AS (
    SELECT unnest($1::uuid[])
    UNION SELECT l.entity_id FROM organisation.external_id l JOIN unnest($2::text[], $3::text[]) AS k(system, external_id) ON l.system = k.system AND l.external_id = k.external_id
    UNION SELECT o.id FROM organisation.organisation o WHERE o.organisation_number = ANY($4::bpchar[])
  )`;

/** A reference's id that is not a uuid names no organisation (and must not reach a `uuid[]` cast). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuids = (ids: readonly string[]) => ids.filter((id) => UUID.test(id));

const keyParams = (k: OrganisationKeys) => [uuids(k.ids), k.links.map((l) => l.system), k.links.map((l) => l.externalId), k.organisationNumbers];

/**
 * The organisation tables in plain SQL, row mapping only: a handful of set-based statements per
 * batch, inside the caller's transaction. The external-id links are the entity pipeline's.
 */
@Injectable()
export class OrganisationRepository implements EntityRepository<OrganisationState> {
  load(tx: SqlExecutor, ids: readonly string[], options: { readonly lock: boolean }): Promise<Map<string, StoredOrganisation>> {
    return loadOrganisations(tx, ids, options);
  }

  /** organisationsnummer → organisation id. `char(10)` is compared with `bpchar[]` so the unique index answers. */
  async findIdsByNaturalKey(tx: SqlExecutor, numbers: readonly string[]): Promise<Map<string, string>> {
    if (numbers.length === 0) return new Map();
    const found = await rows<{ id: string; organisation_number: string }>(
      tx,
      'SELECT id, organisation_number FROM organisation.organisation WHERE organisation_number = ANY($1::bpchar[])',
      [numbers],
    );
    return new Map(found.map((r) => [r.organisation_number, r.id]));
  }

  async existingIds(tx: SqlExecutor, ids: readonly string[]): Promise<Set<string>> {
    const valid = uuids(ids);
    if (valid.length === 0) return new Set();
    const found = await rows<{ id: string }>(tx, 'SELECT id FROM organisation.organisation WHERE id = ANY($1::uuid[])', [valid]);
    return new Set(found.map((r) => r.id));
  }

  /**
   * Serializes the transactions that change the hierarchy (set a parent or federations, change a
   * type, delete) until commit: two of them, each valid alone, could otherwise make a cycle together
   * (A under B and B under A) or hang a child on an organisation being deleted or retyped. Taken
   * before the hierarchy is read, so the reads see every change committed under the lock before.
   */
  async lockHierarchy(tx: SqlExecutor): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('stafett.organisation.hierarchy'))`, []);
  }

  /**
   * The named organisations and all their ancestors (type and parent), in one recursive query: a
   * step per level, each an index probe on the primary key.
   */
  async ancestry(tx: SqlExecutor, keys: OrganisationKeys): Promise<Map<string, HierarchyNode>> {
    if (keys.ids.length + keys.links.length + keys.organisationNumbers.length === 0) return new Map();
    const found = await rows<{ id: string; type: OrganisationType; parent_id: string | null }>(
      tx,
      `WITH RECURSIVE ${NAMED},
       up(id, type, parent_id) AS (
         SELECT o.id, o.type, o.parent_id FROM organisation.organisation o JOIN named n ON o.id = n.id
         UNION
         SELECT o.id, o.type, o.parent_id FROM organisation.organisation o JOIN up ON o.id = up.parent_id
       )
       SELECT id, type, parent_id FROM up`,
      keyParams(keys),
    );
    return new Map(found.map((r) => [r.id, { type: r.type, parentId: r.parent_id }]));
  }

  /** The organisations directly below the named ones: children by parent (index on parent_id) and clubs by federation (index on federation_id). */
  async dependents(tx: SqlExecutor, keys: OrganisationKeys): Promise<Map<string, Dependent[]>> {
    if (keys.ids.length + keys.links.length + keys.organisationNumbers.length === 0) return new Map();
    const found = await rows<{ holder: string; id: string; type: OrganisationType; via: 'parent' | 'federation' }>(
      tx,
      // Per named organisation (LATERAL): index probes on parent_id and federation_id, the member clubs' types by primary key; never a hash of a whole table.
      `WITH ${NAMED}
       SELECT n.id AS holder, d.id, d.type, d.via FROM named n CROSS JOIN LATERAL (
         SELECT o.id, o.type, 'parent' AS via FROM organisation.organisation o WHERE o.parent_id = n.id
         UNION ALL
         SELECT f.organisation_id, (SELECT o.type FROM organisation.organisation o WHERE o.id = f.organisation_id), 'federation' FROM organisation.federation f WHERE f.federation_id = n.id
       ) d`,
      keyParams(keys),
    );
    const byHolder = new Map<string, Dependent[]>();
    for (const r of found) {
      const list = byHolder.get(r.holder) ?? [];
      if (!list.some((d) => d.id === r.id && d.via === r.via)) list.push({ id: r.id, type: r.type, via: r.via });
      byHolder.set(r.holder, list);
    }
    return byHolder;
  }

  /**
   * Writes the final state of every changed organisation (insert or update), replacing their
   * federation rows. `existed` names the organisations that had rows before the batch.
   */
  async saveAll(tx: SqlExecutor, organisations: readonly StoredOrganisation[], existed: ReadonlySet<string>): Promise<void> {
    if (organisations.length === 0) return;
    const col = <T>(f: (o: StoredOrganisation) => T) => organisations.map(f);
    await tx.query(
      `INSERT INTO organisation.organisation (id, type, name, organisation_number, parent_id, municipality_code, sports, email, phone, street, postal_code, city, country_code, status, version)
       SELECT id, type, name, organisation_number, parent_id, municipality_code, ARRAY(SELECT jsonb_array_elements_text(sports)), email, phone, street, postal_code, city, country_code, status, version
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bpchar[], $5::uuid[], $6::bpchar[], $7::jsonb[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bpchar[], $14::text[], $15::bigint[])
           AS u(id, type, name, organisation_number, parent_id, municipality_code, sports, email, phone, street, postal_code, city, country_code, status, version)
       ON CONFLICT (id) DO UPDATE SET
         type = EXCLUDED.type, name = EXCLUDED.name, organisation_number = EXCLUDED.organisation_number, parent_id = EXCLUDED.parent_id,
         municipality_code = EXCLUDED.municipality_code, sports = EXCLUDED.sports, email = EXCLUDED.email, phone = EXCLUDED.phone,
         street = EXCLUDED.street, postal_code = EXCLUDED.postal_code, city = EXCLUDED.city, country_code = EXCLUDED.country_code,
         status = EXCLUDED.status, version = EXCLUDED.version, updated_at = now()`,
      [
        col((o) => o.state.id),
        col((o) => o.state.type),
        col((o) => o.state.name),
        col((o) => o.state.organisationNumber),
        col((o) => o.state.parentId),
        col((o) => o.state.municipalityCode),
        // A text[] per row cannot be a parameter of unnest (it would flatten): one jsonb array per row.
        col((o) => JSON.stringify(o.state.sports)),
        col((o) => o.state.email),
        col((o) => o.state.phone),
        col((o) => o.state.address?.street ?? null),
        col((o) => o.state.address?.postalCode ?? null),
        col((o) => o.state.address?.city ?? null),
        col((o) => o.state.address?.countryCode ?? null),
        col((o) => o.state.status),
        col((o) => o.version),
      ],
    );
    const ids = col((o) => o.state.id).filter((id) => existed.has(id));
    if (ids.length > 0) await tx.query('DELETE FROM organisation.federation WHERE organisation_id = ANY($1::uuid[])', [ids]);
    const f = organisations.flatMap((o) => o.state.federations.map((x, i) => [o.state.id, i, x.organisationId, x.sport] as const));
    if (f.length) {
      await tx.query(
        'INSERT INTO organisation.federation (organisation_id, position, federation_id, sport) SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::uuid[], $4::text[])',
        [f.map((x) => x[0]), f.map((x) => x[1]), f.map((x) => x[2]), f.map((x) => x[3])],
      );
    }
  }

  async deleteAll(tx: SqlExecutor, ids: readonly string[]): Promise<void> {
    if (ids.length) await tx.query('DELETE FROM organisation.organisation WHERE id = ANY($1::uuid[])', [ids]);
  }
}

/** Organisations with their federations: two statements whatever the count (the links come from the pipeline). */
async function loadOrganisations(tx: SqlExecutor, ids: readonly string[], options: { lock: boolean }): Promise<Map<string, StoredOrganisation>> {
  if (ids.length === 0) return new Map();
  const sorted = [...new Set(ids)].sort();
  const found = await rows<OrganisationRow>(
    tx,
    `SELECT id, type, name, organisation_number, parent_id, municipality_code, sports, email, phone, street, postal_code, city, country_code, status, version
       FROM organisation.organisation WHERE id = ANY($1::uuid[]) ORDER BY id${options.lock ? ' FOR UPDATE' : ''}`,
    [sorted],
  );
  const federations = await rows<{ organisation_id: string; federation_id: string; sport: string | null }>(
    tx,
    'SELECT organisation_id, federation_id, sport FROM organisation.federation WHERE organisation_id = ANY($1::uuid[]) ORDER BY organisation_id, position',
    [sorted],
  );
  const fs = new Map<string, FederationState[]>();
  for (const r of federations) {
    const list = fs.get(r.organisation_id) ?? [];
    list.push({ organisationId: r.federation_id, sport: r.sport });
    fs.set(r.organisation_id, list);
  }
  return new Map(
    found.map((o) => [
      o.id,
      {
        version: Number(o.version),
        state: {
          id: o.id,
          type: o.type,
          name: o.name,
          organisationNumber: o.organisation_number,
          parentId: o.parent_id,
          municipalityCode: o.municipality_code,
          sports: o.sports,
          email: o.email,
          phone: o.phone,
          address:
            o.street === null && o.postal_code === null && o.city === null && o.country_code === null
              ? null
              : { street: o.street, postalCode: o.postal_code, city: o.city, countryCode: o.country_code },
          status: o.status,
          externalIds: [],
          federations: fs.get(o.id) ?? [],
        },
      },
    ]),
  );
}
