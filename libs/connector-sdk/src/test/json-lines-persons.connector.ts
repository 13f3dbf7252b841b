import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { CheckResult, ConnectorContext, ConnectorSpec, RunInput, SourceConnector, SourceMessage, StreamDescriptor, StreamStates } from '../connector';
import type { AcceptancePerson, ConnectorUnderTest } from './connector-acceptance';

interface Config {
  readonly checkpointEvery?: number;
}

/**
 * A test-only source: persons as JSON lines in the run's file, each with a membership in the
 * agreement's organisation, a checkpoint every `checkpointEvery` lines; a later run skips the lines
 * its saved state covers. An unparsable line is rejected with its line number; no file fails the run.
 */
export class JsonLinesPersonsConnector implements SourceConnector<Config> {
  spec(): ConnectorSpec {
    return {
      type: 'json-lines-persons',
      title: 'Persons as JSON lines (test)',
      description: 'One person per line; for the SDK acceptance suite.',
      directions: ['IMPORT'],
      acceptsFile: true,
      configSchema: { type: 'object', additionalProperties: false, properties: { checkpointEvery: { type: 'integer', minimum: 1, maximum: 10000 } } },
    };
  }

  async check(): Promise<CheckResult> {
    return { ok: true, message: 'Reads the uploaded file.' };
  }

  async discover(): Promise<readonly StreamDescriptor[]> {
    return [{ name: 'persons', entity: 'person', fields: ['personalIdentityNumber', 'firstName', 'lastName', 'birthDate', 'email', 'memberships'], resumable: true }];
  }

  async *read(context: ConnectorContext<Config>, state: StreamStates, input: RunInput): AsyncIterable<SourceMessage> {
    if (!input.file) throw Object.assign(new Error('The run needs a file.'), { code: 'NO_FILE' });
    const every = context.config.checkpointEvery ?? 10;
    const done = typeof state['persons'] === 'object' && state['persons'] !== null && !Array.isArray(state['persons']) ? Number(state['persons']['line'] ?? 0) : 0;
    let line = 0;
    for await (const text of createInterface({ input: input.file.stream, crlfDelay: Infinity })) {
      line++;
      if (line <= done || text.trim() === '') continue;
      const position = { label: `line ${line}`, row: line };
      let p: AcceptancePerson;
      try {
        p = JSON.parse(text) as AcceptancePerson;
      } catch {
        yield { kind: 'rejected', stream: 'persons', position, reasons: [{ code: 'INVALID_FORMAT', field: null, message: 'The line is not JSON.' }] };
        continue;
      }
      yield personRecord(p, context.agreement.organisationId, position);
      context.progress({ stream: 'persons', read: line });
      if (line % every === 0) yield { kind: 'state', stream: 'persons', state: { line } };
    }
    yield { kind: 'state', stream: 'persons', state: { line } };
  }
}

/** A test person as the record a source yields: a member of the agreement's organisation since 2020. */
export function personRecord(person: AcceptancePerson, organisationId: string, position: { label: string; row: number }): SourceMessage {
  const { externalId, ...payload } = person;
  return {
    kind: 'record',
    stream: 'persons',
    entity: 'person',
    externalId,
    op: 'UPSERT',
    payload: { ...payload, memberships: [{ organisation: { id: organisationId }, from: '2020-01-01', to: null }] },
    position,
  };
}

/** The connector as the acceptance suite takes it. */
export function jsonLinesPersonsUnderTest(): ConnectorUnderTest<Config> {
  return {
    connector: new JsonLinesPersonsConnector(),
    config: { checkpointEvery: 5 },
    invalidConfig: { config: { checkpointEvery: 0 }, field: 'config.checkpointEvery' },
    input: (persons) => ({ file: { name: 'persons.jsonl', stream: Readable.from(persons.map((p) => `${JSON.stringify(p)}\n`)) } }),
  };
}
