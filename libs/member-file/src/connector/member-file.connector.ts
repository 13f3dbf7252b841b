import { Inject, Injectable } from '@nestjs/common';
import type { CheckResult, ConnectorContext, ConnectorSpec, JsonSchema, RunInput, SourceConnector, SourceMessage, StreamDescriptor, StreamStates } from '@stafett/connector-sdk';
import { MEMBER_FIELDS, type MemberField } from '../member-fields';
import { DEFAULT_REQUIRED_COLUMNS, MEMBERS_STREAM, readMemberFile, type MemberFileState } from '../read/read-member-file';

/** The agreement's `config` of a member-file connector. */
export interface MemberFileConfig {
  /** Header as written in the club's file → field; looked at before the built-in Swedish and English headers. */
  readonly columns?: Readonly<Record<string, MemberField>>;
  /** Fields without which a file is refused (default firstName, lastName, personalIdentityNumber). */
  readonly requiredColumns?: readonly MemberField[];
  /** A checkpoint every so many rows (default 1,000). */
  readonly checkpointEvery?: number;
}

export const MEMBER_FILE_CONNECTOR_TYPE = 'member-file';

/** The secret key of the external ids derived from a personnummer (rows without member number). */
export const MEMBER_FILE_EXTERNAL_ID_KEY = Symbol('MEMBER_FILE_EXTERNAL_ID_KEY');

const CONFIG_SCHEMA: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  properties: {
    columns: {
      type: 'object',
      description: 'Header as written in the file → field, before the built-in Swedish and English headers (e.g. {"Tilltalsnamn": "firstName"}).',
      additionalProperties: { enum: [...MEMBER_FIELDS] },
    },
    requiredColumns: {
      type: 'array',
      description: 'Fields whose column a file must have, else it is refused before anything is sent.',
      items: { enum: [...MEMBER_FIELDS] },
      uniqueItems: true,
      default: [...DEFAULT_REQUIRED_COLUMNS],
    },
    checkpointEvery: { type: 'integer', minimum: 1, maximum: 100000, default: 1000, description: 'Rows between two saved checkpoints.' },
  },
};

/** The fields of the person a member file carries (the `members` stream). */
const PERSON_FIELDS = ['personalIdentityNumber', 'firstName', 'lastName', 'birthDate', 'sex', 'email', 'phone', 'address', 'memberships'];

const today = () => new Date().toISOString().slice(0, 10);

function savedState(state: StreamStates): MemberFileState | undefined {
  const s = state[MEMBERS_STREAM];
  if (s && typeof s === 'object' && !Array.isArray(s) && typeof s['fingerprint'] === 'string' && typeof s['rowsDone'] === 'number') {
    return { fingerprint: s['fingerprint'], rowsDone: s['rowsDone'] };
  }
  return undefined;
}

/**
 * A club's member register (.xlsx/.csv, uploaded per run) → persons with a membership of the
 * agreement's organisation. The file side lives in `@stafett/member-file`; this class is the SDK
 * contract around it. A file that cannot be read throws `MemberFileRefusedError` (`code`, message
 * naming the problem) before the first message.
 */
@Injectable()
export class MemberFileConnector implements SourceConnector<MemberFileConfig> {
  constructor(@Inject(MEMBER_FILE_EXTERNAL_ID_KEY) private readonly externalIdKey: Buffer) {}

  spec(): ConnectorSpec {
    return {
      type: MEMBER_FILE_CONNECTOR_TYPE,
      title: 'Member register file',
      description: "Imports a club's member register from .xlsx or .csv (Swedish or English headers, UTF-8 or Windows-1252); the organisation is the agreement's.",
      directions: ['IMPORT'],
      configSchema: CONFIG_SCHEMA,
      acceptsFile: true,
    };
  }

  async check(context: ConnectorContext<MemberFileConfig>): Promise<CheckResult> {
    const { agreement } = context;
    if (agreement.direction !== 'IMPORT') return { ok: false, message: `A member file only imports: direction must be IMPORT, not ${agreement.direction}.` };
    if (!agreement.entities.some((e) => e.entity === 'person')) return { ok: false, message: 'The agreement must name the entity person.' };
    return { ok: true, message: 'Reads uploaded .xlsx and .csv files; there is no external system to reach.' };
  }

  async discover(): Promise<readonly StreamDescriptor[]> {
    return [{ name: MEMBERS_STREAM, entity: 'person', fields: PERSON_FIELDS, resumable: true }];
  }

  async *read(context: ConnectorContext<MemberFileConfig>, state: StreamStates, input: RunInput): AsyncIterable<SourceMessage> {
    if (!input.file) throw new Error('A member-file run needs the file: upload it as the body of POST /v1/connectors/:id/runs.');
    const { config, agreement } = context;
    const messages = readMemberFile({ name: input.file.name, stream: input.file.stream }, savedState(state), {
      organisationId: agreement.organisationId,
      asOf: input.asOf ?? today(),
      columns: config.columns,
      requiredColumns: config.requiredColumns,
      checkpointEvery: config.checkpointEvery,
      externalIdKey: this.externalIdKey,
      signal: context.signal,
      onProgress: (p) => context.progress({ stream: MEMBERS_STREAM, ...p }),
    });
    // The library's messages are the SDK's SourceMessage (checked here by the compiler).
    for await (const m of messages) yield m satisfies SourceMessage;
  }
}
