/**
 * A test-only entity on the pipeline, with no person code: a widget has a unique `code` (its
 * natural key), a `name`, and may reference another widget as `parent`. Its Avro contracts, rules,
 * repository and migration are all here; it proves that a domain is rules, not plumbing.
 */
import { Injectable } from '@nestjs/common';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { parseSchema, type ExternalId, type Reason, type Reference } from '@stafett/contracts';
import { quoteIdent, type SqlExecutor } from '@stafett/outbox';
import type { EntityRepository, EntityRules, ForeignReference, ReferenceResolver, Stored, Validation } from '../domain/entity-rules.port';
import { entityPipelineMigration, entityReferencesMigration } from '../database/pipeline-tables';
import { rows } from '../database/sql';

export interface WidgetPayload {
  readonly code: string | null;
  readonly name: string | null;
  readonly parent: Reference | null;
  /** A foreign reference (resolved from the projection of the organisation state topic). */
  readonly organisation?: Reference | null;
}

export interface WidgetState {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly parentId: string | null;
  readonly organisationId: string | null;
  readonly externalIds: readonly ExternalId[];
}

type WidgetPatch = { -readonly [K in 'code' | 'name' | 'parentId' | 'organisationId']?: WidgetState[K] };

const reference = {
  type: 'record',
  name: 'Reference',
  fields: [
    { name: 'id', type: ['null', 'string'], default: null },
    { name: 'system', type: ['null', 'string'], default: null },
    { name: 'externalId', type: ['null', 'string'], default: null },
    { name: 'personalIdentityNumber', type: ['null', 'string'], default: null },
  ],
};
const externalId = {
  type: 'record',
  name: 'ExternalId',
  fields: [
    { name: 'system', type: 'string' },
    { name: 'id', type: 'string' },
  ],
};
const widget = {
  type: 'record',
  name: 'Widget',
  namespace: 'se.stafett.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'code', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'parentId', type: ['null', 'string'], default: null },
    { name: 'organisationId', type: ['null', 'string'], default: null },
    { name: 'externalIds', type: { type: 'array', items: externalId } },
  ],
};

/** The widget's contracts, shaped like the canonical four (ImportRecord, <Entity>Changed, state, ImportResult). */
export const WIDGET_CONTRACTS = {
  importRecord: parseSchema({
    type: 'record',
    name: 'ImportRecord',
    namespace: 'se.stafett.test',
    fields: [
      { name: 'recordId', type: 'string' },
      { name: 'batchId', type: 'string' },
      {
        name: 'source',
        type: {
          type: 'record',
          name: 'ImportSource',
          fields: [
            { name: 'system', type: 'string' },
            { name: 'connectorId', type: ['null', 'string'], default: null },
          ],
        },
      },
      { name: 'externalId', type: 'string' },
      { name: 'op', type: { type: 'enum', name: 'ImportOp', symbols: ['UPSERT', 'DELETE'] } },
      { name: 'receivedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
      {
        name: 'payload',
        type: [
          'null',
          {
            type: 'record',
            name: 'WidgetImportPayload',
            fields: [
              { name: 'code', type: ['null', 'string'], default: null },
              { name: 'name', type: ['null', 'string'], default: null },
              { name: 'parent', type: ['null', reference], default: null },
              { name: 'organisation', type: ['null', 'Reference'], default: null },
            ],
          },
        ],
        default: null,
      },
    ],
  }),
  changed: parseSchema({
    type: 'record',
    name: 'WidgetChanged',
    namespace: 'se.stafett.test',
    fields: [
      { name: 'eventId', type: 'string' },
      { name: 'entityId', type: 'string' },
      { name: 'version', type: 'long' },
      { name: 'op', type: { type: 'enum', name: 'ChangeOp', symbols: ['CREATE', 'UPDATE', 'DELETE', 'SNAPSHOT'] } },
      { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
      {
        name: 'source',
        type: {
          type: 'record',
          name: 'EventSource',
          fields: [
            { name: 'system', type: 'string' },
            { name: 'connectorId', type: ['null', 'string'], default: null },
            { name: 'batchId', type: ['null', 'string'], default: null },
            { name: 'actor', type: ['null', 'string'], default: null },
          ],
        },
      },
      { name: 'correlationId', type: ['null', 'string'], default: null },
      { name: 'causationId', type: ['null', 'string'], default: null },
      { name: 'before', type: ['null', widget], default: null },
      { name: 'after', type: ['null', 'se.stafett.test.Widget'], default: null },
      { name: 'changedFields', type: { type: 'array', items: 'string' } },
    ],
  }),
  state: parseSchema(widget),
  result: parseSchema({
    type: 'record',
    name: 'WidgetImportResult',
    namespace: 'se.stafett.test',
    fields: [
      { name: 'recordId', type: 'string' },
      { name: 'batchId', type: 'string' },
      { name: 'entityType', type: 'string' },
      { name: 'externalId', type: 'string' },
      { name: 'outcome', type: { type: 'enum', name: 'ImportOutcome', symbols: ['CREATED', 'UPDATED', 'UNCHANGED', 'DELETED', 'REJECTED'] } },
      { name: 'entityId', type: ['null', 'string'], default: null },
      { name: 'version', type: ['null', 'long'], default: null },
      {
        name: 'reasons',
        type: {
          type: 'array',
          items: {
            type: 'record',
            name: 'Reason',
            fields: [
              { name: 'code', type: 'string' },
              { name: 'field', type: ['null', 'string'], default: null },
              { name: 'message', type: 'string' },
            ],
          },
        },
      },
    ],
  }),
};

/** The Postgres schema of the widget tables; tests give each run its own. */
export const WIDGET_SCHEMA = Symbol('WIDGET_SCHEMA');

export function widgetMigrations(schema: string): (new () => MigrationInterface)[] {
  const s = quoteIdent(schema);
  const tables = class implements MigrationInterface {
    name = `CreateWidgets${schema}1700000000000`;
    async up(q: QueryRunner): Promise<void> {
      await q.query(`CREATE SCHEMA ${s}`);
      await q.query(`CREATE TABLE ${s}.widget (id uuid PRIMARY KEY, code text NOT NULL UNIQUE, name text NOT NULL, parent_id uuid, organisation_id uuid, version bigint NOT NULL)`);
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query(`DROP SCHEMA ${s} CASCADE`);
    }
  };
  return [tables, entityPipelineMigration(schema, 1700000000001), entityReferencesMigration(schema, 1700000000002)];
}

export function widgetRepository(schema: string): new () => EntityRepository<WidgetState> {
  const s = quoteIdent(schema);
  @Injectable()
  class WidgetRepository implements EntityRepository<WidgetState> {
    async load(tx: SqlExecutor, ids: readonly string[], options: { readonly lock: boolean }): Promise<Map<string, Stored<WidgetState>>> {
      const found = await rows<{ id: string; code: string; name: string; parent_id: string | null; organisation_id: string | null; version: string }>(
        tx,
        `SELECT id, code, name, parent_id, organisation_id, version FROM ${s}.widget WHERE id = ANY($1::uuid[]) ORDER BY id${options.lock ? ' FOR UPDATE' : ''}`,
        [ids],
      );
      return new Map(
        found.map((r) => [
          r.id,
          { version: Number(r.version), state: { id: r.id, code: r.code, name: r.name, parentId: r.parent_id, organisationId: r.organisation_id, externalIds: [] } },
        ]),
      );
    }

    async findIdsByNaturalKey(tx: SqlExecutor, codes: readonly string[]): Promise<Map<string, string>> {
      const found = await rows<{ id: string; code: string }>(tx, `SELECT id, code FROM ${s}.widget WHERE code = ANY($1::text[])`, [codes]);
      return new Map(found.map((r) => [r.code, r.id]));
    }

    async existingIds(tx: SqlExecutor, ids: readonly string[]): Promise<Set<string>> {
      const found = await rows<{ id: string }>(tx, `SELECT id FROM ${s}.widget WHERE id = ANY($1::uuid[])`, [ids]);
      return new Set(found.map((r) => r.id));
    }

    async saveAll(tx: SqlExecutor, widgets: readonly Stored<WidgetState>[]): Promise<void> {
      if (widgets.length === 0) return;
      await tx.query(
        `INSERT INTO ${s}.widget (id, code, name, parent_id, organisation_id, version) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::bigint[])
         ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, parent_id = EXCLUDED.parent_id, organisation_id = EXCLUDED.organisation_id, version = EXCLUDED.version`,
        [
          widgets.map((w) => w.state.id),
          widgets.map((w) => w.state.code),
          widgets.map((w) => w.state.name),
          widgets.map((w) => w.state.parentId),
          widgets.map((w) => w.state.organisationId),
          widgets.map((w) => w.version),
        ],
      );
    }

    async deleteAll(tx: SqlExecutor, ids: readonly string[]): Promise<void> {
      if (ids.length > 0) await tx.query(`DELETE FROM ${s}.widget WHERE id = ANY($1::uuid[])`, [ids]);
    }
  }
  return WidgetRepository;
}

const FIELDS = ['code', 'name', 'parentId', 'organisationId', 'externalIds'] as const;

export function widgetRules(schema: string): new () => EntityRules<WidgetState, WidgetPayload, WidgetPatch, undefined> {
  @Injectable()
  class WidgetRules implements EntityRules<WidgetState, WidgetPayload, WidgetPatch, undefined> {
    readonly entity = 'widget';
    readonly schema = schema;
    readonly contracts = WIDGET_CONTRACTS;
    readonly naturalKeyField = 'code';

    naturalKeyOf(payload: WidgetPayload | null): string | undefined {
      return payload?.code ?? undefined;
    }
    naturalKeyOfReference(): string | undefined {
      return undefined;
    }
    naturalKeyOfState(state: WidgetState): string | null {
      return state.code;
    }
    references(payload: WidgetPayload | null): readonly Reference[] {
      return payload?.parent ? [payload.parent] : [];
    }
    foreignReferences(payload: WidgetPayload | null): readonly ForeignReference[] {
      return payload?.organisation ? [{ entity: 'organisation', ref: payload.organisation }] : [];
    }
    organisationsOf(state: WidgetState): readonly string[] {
      return state.organisationId ? [state.organisationId] : [];
    }
    async prepare(): Promise<undefined> {
      return undefined;
    }
    validate(payload: WidgetPayload, existing: WidgetState | undefined, refs: ReferenceResolver<WidgetState>): Validation<WidgetPatch> {
      const errors: Reason[] = [];
      const patch: WidgetPatch = {};
      if (payload.code !== null) {
        if (/^[A-Z]{2}-\d{3}$/.test(payload.code)) patch.code = payload.code;
        else errors.push({ code: 'INVALID_FORMAT', field: 'code', message: 'A widget code is two capital letters, a dash and three digits.' });
      } else if (!existing) errors.push({ code: 'REQUIRED', field: 'code', message: 'A new widget needs a code.' });
      if (payload.name !== null) patch.name = payload.name;
      else if (!existing) errors.push({ code: 'REQUIRED', field: 'name', message: 'A new widget needs a name.' });
      if (payload.parent) {
        const id = refs.same(payload.parent);
        if (id) patch.parentId = id;
        else errors.push({ code: 'UNKNOWN_REFERENCE', field: 'parent', message: 'No such widget.' });
      }
      if (payload.organisation) {
        const id = refs.foreign('organisation', payload.organisation);
        if (id) patch.organisationId = id;
        else errors.push({ code: 'UNKNOWN_REFERENCE', field: 'organisation', message: 'No such organisation.' });
      }
      return errors.length > 0 ? { errors } : { patch };
    }
    applyPatch(id: string, existing: WidgetState | undefined, patch: WidgetPatch, externalIds: readonly ExternalId[]): WidgetState {
      return { id, code: '', name: '', parentId: null, organisationId: null, ...existing, ...patch, externalIds };
    }
    changedFields(before: WidgetState | undefined, after: WidgetState): string[] {
      return FIELDS.filter((f) => !before || JSON.stringify(before[f]) !== JSON.stringify(after[f]));
    }
    toContract(state: WidgetState): unknown {
      return {
        id: state.id,
        code: state.code,
        name: state.name,
        parentId: state.parentId,
        organisationId: state.organisationId,
        externalIds: state.externalIds.map((e) => ({ system: e.system, id: e.id })),
      };
    }
  }
  return WidgetRules;
}
