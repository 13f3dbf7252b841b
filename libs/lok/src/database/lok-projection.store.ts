import type { Pool } from 'pg';
import type { Activity, Group, Organisation, Person } from '@stafett/contracts';
import { lokBirthDate, type LokActivityInput, type LokPerson } from '@stafett/domain';

export interface LokOrganisationRow {
  readonly id: string;
  readonly type: string;
  readonly name: string;
  readonly organisationNumber: string | null;
  readonly parentId: string | null;
  readonly municipalityCode: string | null;
}

/** An activity as the application shows it beside its verdict. */
export interface LokActivityRow extends LokActivityInput {
  readonly organisationId: string;
  readonly groupId: string | null;
  readonly groupName: string | null;
  readonly type: string;
  readonly title: string;
}

/** A person as the participant list shows them (personal data: only for the club's own keys). */
export interface LokListedPerson {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly personalIdentityNumber: string | null;
  readonly birthDate: string;
  readonly sex: LokPerson['sex'];
}

type Compact = [string, 'LEADER' | 'PARTICIPANT', boolean];

/** The fields of a person state the projection keeps (the sink decodes only these). */
export const LOK_PERSON_FIELDS = ['id', 'birthDate', 'sex', 'disability', 'address', 'firstName', 'lastName', 'personalIdentityNumber'] as const;
export type LokPersonState = Pick<Person, (typeof LOK_PERSON_FIELDS)[number]>;

/**
 * The connector's projection of the state topics (`lok` schema): upserts from states, deletes from
 * tombstones (idempotent, so at-least-once delivery is harmless), and the reads of an application.
 */
export class LokProjectionStore {
  constructor(private readonly pool: Pool) {}

  async putOrganisation(o: Organisation): Promise<void> {
    await this.pool.query(
      `INSERT INTO lok.organisation (id, type, name, organisation_number, parent_id, municipality_code) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, name = EXCLUDED.name, organisation_number = EXCLUDED.organisation_number,
         parent_id = EXCLUDED.parent_id, municipality_code = EXCLUDED.municipality_code`,
      [o.id, o.type, o.name, o.organisationNumber ?? null, o.parentId ?? null, o.municipalityCode ?? null],
    );
  }

  /**
   * A slice of person states (null: a tombstone) in one statement each for upserts and deletes:
   * every person change of the register passes here. The last state of an id in the slice wins.
   */
  async putPersons(slice: readonly { id: string; person: LokPersonState | null }[]): Promise<void> {
    const latest = new Map<string, LokPersonState | null>();
    for (const { id, person } of slice) latest.set(id, person);
    const keep: LokPersonState[] = [];
    const gone: string[] = [];
    for (const [id, p] of latest) {
      if (p !== null && lokBirthDate(p) !== null) keep.push(p);
      else gone.push(id);
    }
    if (gone.length > 0) await this.pool.query(`DELETE FROM lok.person WHERE id = ANY($1::uuid[])`, [gone]);
    if (keep.length === 0) return;
    await this.pool.query(
      `INSERT INTO lok.person (id, birth_date, sex, disability, postal_code, city, first_name, last_name, personal_identity_number)
       SELECT * FROM unnest($1::uuid[], $2::date[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
       ON CONFLICT (id) DO UPDATE SET birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, disability = EXCLUDED.disability, postal_code = EXCLUDED.postal_code,
         city = EXCLUDED.city, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, personal_identity_number = EXCLUDED.personal_identity_number`,
      [
        keep.map((p) => p.id),
        keep.map((p) => lokBirthDate(p)),
        keep.map((p) => p.sex),
        keep.map((p) => p.disability ?? false),
        keep.map((p) => p.address?.postalCode ?? null),
        keep.map((p) => p.address?.city ?? null),
        keep.map((p) => p.firstName),
        keep.map((p) => p.lastName),
        keep.map((p) => p.personalIdentityNumber ?? null),
      ],
    );
  }

  async putGroup(g: Group): Promise<void> {
    await this.pool.query(
      `INSERT INTO lok."group" (id, organisation_id, name, sport) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id, name = EXCLUDED.name, sport = EXCLUDED.sport`,
      [g.id, g.organisationId, g.name, g.sport ?? null],
    );
  }

  async putActivity(a: Activity): Promise<void> {
    const participants: Compact[] = (a.participants ?? []).map((p) => [p.personId, p.role, p.attended ?? false]);
    await this.pool.query(
      `INSERT INTO lok.activity (id, organisation_id, group_id, type, title, sport, starts_at, ends_at, status, participants) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (id) DO UPDATE SET organisation_id = EXCLUDED.organisation_id, group_id = EXCLUDED.group_id, type = EXCLUDED.type, title = EXCLUDED.title,
         sport = EXCLUDED.sport, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, status = EXCLUDED.status, participants = EXCLUDED.participants`,
      [a.id, a.organisationId, a.groupId ?? null, a.type, a.title, a.sport ?? null, a.startsAt, a.endsAt, a.status, JSON.stringify(participants)],
    );
  }

  async delete(table: 'organisation' | 'person' | 'group' | 'activity', id: string): Promise<void> {
    await this.pool.query(`DELETE FROM lok."${table}" WHERE id = $1`, [id]);
  }

  async organisation(id: string): Promise<LokOrganisationRow | null> {
    const { rows } = await this.pool.query<LokOrganisationRow>(
      `SELECT id, type, name, organisation_number AS "organisationNumber", parent_id AS "parentId", municipality_code AS "municipalityCode" FROM lok.organisation WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Whether `id` is `ancestorId` or below it (parents as the projection knows them). */
  async isWithin(id: string, ancestorId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ found: boolean }>(
      `WITH RECURSIVE up AS (SELECT id, parent_id, 0 AS depth FROM lok.organisation WHERE id = $1
         UNION ALL SELECT o.id, o.parent_id, up.depth + 1 FROM lok.organisation o JOIN up ON o.id = up.parent_id WHERE up.depth < 32)
       SELECT EXISTS (SELECT 1 FROM up WHERE id = $2) AS found`,
      [id, ancestorId],
    );
    return rows[0]?.found ?? false;
  }

  /**
   * The activities of an organisation and the organisations below it (a club's sections) that start
   * on the Swedish days `from`…`to` (inclusive), with their group's sport where they have none.
   */
  async activities(organisationId: string, from: string, to: string): Promise<LokActivityRow[]> {
    const { rows } = await this.pool.query<{
      id: string;
      organisation_id: string;
      group_id: string | null;
      group_name: string | null;
      type: string;
      title: string;
      sport: string | null;
      starts_at: Date;
      ends_at: Date;
      status: LokActivityInput['status'];
      participants: Compact[];
    }>(
      `WITH RECURSIVE tree AS (SELECT id, 0 AS depth FROM lok.organisation WHERE id = $1
         UNION ALL SELECT o.id, tree.depth + 1 FROM lok.organisation o JOIN tree ON o.parent_id = tree.id WHERE tree.depth < 32)
       SELECT a.id, a.organisation_id, a.group_id, g.name AS group_name, a.type, a.title, COALESCE(a.sport, g.sport) AS sport, a.starts_at, a.ends_at, a.status, a.participants
         FROM lok.activity a LEFT JOIN lok."group" g ON g.id = a.group_id
        WHERE a.organisation_id IN (SELECT id FROM tree)
          AND a.starts_at >= ($2::date::timestamp AT TIME ZONE 'Europe/Stockholm')
          AND a.starts_at < (($3::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm')`,
      [organisationId, from, to],
    );
    return rows.map((r) => ({
      id: r.id,
      organisationId: r.organisation_id,
      groupId: r.group_id,
      groupName: r.group_name,
      type: r.type,
      title: r.title,
      sport: r.sport,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      status: r.status,
      participants: r.participants.map(([personId, role, attended]) => ({ personId, role, attended })),
    }));
  }

  /** The persons of these ids that the projection holds (erased ones are gone). */
  async persons(ids: readonly string[]): Promise<Map<string, LokPerson>> {
    const { rows } = await this.pool.query<{ id: string; birth_date: string; sex: LokPerson['sex']; disability: boolean; postal_code: string | null; city: string | null }>(
      `SELECT id, birth_date::text AS birth_date, sex, disability, postal_code, city FROM lok.person WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, birthDate: r.birth_date, sex: r.sex, disability: r.disability, postalCode: r.postal_code, city: r.city }]));
  }

  /** Names and personnummer of these persons, for the participant list only. */
  async listedPersons(ids: readonly string[]): Promise<LokListedPerson[]> {
    const { rows } = await this.pool.query<LokListedPerson>(
      `SELECT id, first_name AS "firstName", last_name AS "lastName", personal_identity_number AS "personalIdentityNumber", birth_date::text AS "birthDate", sex
         FROM lok.person WHERE id = ANY($1::uuid[]) ORDER BY last_name, first_name, id`,
      [ids],
    );
    return rows;
  }
}
