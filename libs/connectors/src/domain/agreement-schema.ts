import { contractType, entityContracts, ENTITY_TYPES, type ConnectorAgreement, type EntityName } from '@stafett/contracts';
import { schemaErrors, type ConnectorSpec, type JsonSchema, type SchemaFieldError } from '@stafett/connector-sdk';
import type avro from 'avsc';

/** The id of a connector instance: lowercase letters, digits and '-', starting with a letter (so never a personnummer). */
export const CONNECTOR_ID_PATTERN = '^[a-z][a-z0-9-]{1,62}$';

const MATCH_KEYS = ['externalId', 'personalIdentityNumber', 'organisationNumber'] as const;
const fieldList = { type: 'array', maxItems: 100, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } } as const;

/** JSON Schema of an agreement as the API takes it: the fields of se.stafett.connect.ConnectorAgreement without revision and updatedAt, config as an object. */
export const AGREEMENT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['connectorId', 'connectorType', 'name', 'organisationId', 'direction', 'sourceSystem', 'entities'],
  properties: {
    connectorId: { type: 'string', pattern: CONNECTOR_ID_PATTERN, description: "lowercase letters, digits and '-', starting with a letter" },
    connectorType: { type: 'string', minLength: 1, maxLength: 100 },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    organisationId: { type: 'string', format: 'uuid' },
    direction: { enum: ['IMPORT', 'EXPORT', 'SYNC'] },
    sourceSystem: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f:]+$', description: "no ':' (record keys are <sourceSystem>:<externalId>)" },
    entities: {
      type: 'array',
      minItems: 1,
      maxItems: ENTITY_TYPES.length,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['entity'],
        properties: {
          entity: { enum: [...ENTITY_TYPES] },
          fields: fieldList,
          ownedFields: fieldList,
          matchKeys: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...MATCH_KEYS] } },
          onDelete: { enum: ['IGNORE', 'END_MEMBERSHIP', 'DEREGISTER', 'DELETE'] },
        },
      },
    },
    schedule: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: { kind: { enum: ['MANUAL', 'CRON', 'CONTINUOUS'] }, cron: { type: ['string', 'null'], maxLength: 100 } },
    },
    config: { type: 'object' },
  },
} as const satisfies JsonSchema;

/** An agreement as stored and shown: the contract's fields, `config` as an object. */
export interface AgreementDocument extends Omit<ConnectorAgreement, 'config' | 'updatedAt'> {
  readonly config: Record<string, unknown>;
  readonly updatedAt: string;
}

export type AgreementInput = Omit<AgreementDocument, 'revision' | 'updatedAt'>;

/** The field names an agreement may name for an entity: its state's and its import payload's. */
function entityFields(entity: EntityName): Set<string> {
  const names = new Set<string>();
  const c = entityContracts(entity);
  for (const f of (contractType(c.state) as avro.types.RecordType).fields) names.add(f.name);
  const record = contractType(c.importRecord) as avro.types.RecordType;
  const payload = record.fields.find((f) => f.name === 'payload')!.type as avro.types.UnwrappedUnionType;
  for (const t of payload.types) if (t.typeName === 'record') for (const f of (t as avro.types.RecordType).fields) if (f.name !== 'clearFields') names.add(f.name);
  return names;
}

const CRON = /^(\S+\s+){4}\S+$/;

/**
 * Checks an agreement body: its shape (AGREEMENT_SCHEMA), the field names of each entity, match keys
 * that fit the entity, a cron expression for CRON, a known connector type with the direction it
 * supports, and `config` against that type's spec. Returns the agreement with defaults, or the
 * errors, each naming its field.
 */
export function checkAgreement(body: unknown, specOf: (type: string) => ConnectorSpec | undefined): { agreement: AgreementInput } | { errors: SchemaFieldError[] } {
  const errors = schemaErrors(AGREEMENT_SCHEMA, body, '');
  if (errors.length > 0) return { errors };
  const b = body as AgreementInput & { schedule?: { kind: ConnectorAgreement['schedule']['kind']; cron?: string | null } };
  const out: SchemaFieldError[] = [];
  const seen = new Set<string>();
  b.entities.forEach((e, i) => {
    const at = `entities[${i}]`;
    if (seen.has(e.entity)) out.push({ field: `${at}.entity`, code: 'DUPLICATE', message: `${e.entity} is named twice` });
    seen.add(e.entity);
    const known = entityFields(e.entity);
    for (const key of ['fields', 'ownedFields'] as const) {
      (e[key] ?? []).forEach((f, j) => {
        if (!known.has(f)) out.push({ field: `${at}.${key}[${j}]`, code: 'UNKNOWN_FIELD', message: `is not a field of ${e.entity}` });
      });
    }
    if (e.fields?.length) {
      (e.ownedFields ?? []).forEach((f, j) => {
        if (known.has(f) && !e.fields!.includes(f))
          out.push({ field: `${at}.ownedFields[${j}]`, code: 'INVALID_FORMAT', message: 'an owned field must be one of the fields the connector writes' });
      });
    }
    (e.matchKeys ?? []).forEach((k, j) => {
      if ((k === 'personalIdentityNumber' && e.entity !== 'person') || (k === 'organisationNumber' && e.entity !== 'organisation')) {
        out.push({ field: `${at}.matchKeys[${j}]`, code: 'INVALID_ENUM', message: `${k} is no match key of ${e.entity}` });
      }
    });
  });
  const schedule = { kind: b.schedule?.kind ?? 'MANUAL', cron: b.schedule?.cron ?? null };
  if (schedule.kind === 'CRON' && (schedule.cron === null || !CRON.test(schedule.cron.trim()))) {
    out.push({ field: 'schedule.cron', code: 'INVALID_FORMAT', message: 'a CRON schedule needs a cron expression of five fields, e.g. "0 3 * * *"' });
  }
  if (schedule.kind !== 'CRON' && schedule.cron !== null) out.push({ field: 'schedule.cron', code: 'INVALID_FORMAT', message: 'only a CRON schedule has a cron expression' });
  const spec = specOf(b.connectorType);
  if (!spec) {
    out.push({ field: 'connectorType', code: 'UNKNOWN_CONNECTOR_TYPE', message: `no connector of type "${b.connectorType.replace(/[^\w.-]/g, '?').slice(0, 100)}" runs here` });
  } else {
    if (!spec.directions.includes(b.direction)) out.push({ field: 'direction', code: 'INVALID_ENUM', message: `a ${spec.type} connector runs ${spec.directions.join(' or ')}` });
    out.push(...schemaErrors(spec.configSchema, b.config ?? {}, 'config'));
    if (spec.acceptsFile === true && schedule.kind !== 'MANUAL') {
      out.push({ field: 'schedule.kind', code: 'INVALID_ENUM', message: `a ${spec.type} connector reads an uploaded file: its schedule is MANUAL (run it with a file)` });
    }
  }
  if (out.length > 0) return { errors: out };
  return {
    agreement: {
      connectorId: b.connectorId,
      connectorType: b.connectorType,
      name: b.name,
      organisationId: b.organisationId.toLowerCase(),
      direction: b.direction,
      sourceSystem: b.sourceSystem,
      entities: b.entities.map((e) => ({
        entity: e.entity,
        fields: e.fields ?? [],
        ownedFields: e.ownedFields ?? [],
        matchKeys: e.matchKeys ?? ['externalId'],
        onDelete: e.onDelete ?? 'IGNORE',
      })),
      schedule,
      config: b.config ?? {},
    },
  };
}

/** The agreement as the contract carries it (config as JSON text). */
export function toContract(doc: AgreementDocument): ConnectorAgreement {
  return { ...doc, config: JSON.stringify(doc.config), updatedAt: new Date(doc.updatedAt) };
}
