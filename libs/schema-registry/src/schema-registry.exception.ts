import { HttpException } from '@nestjs/common';

/** The body of every registry error, as Confluent answers it. */
export interface SchemaRegistryErrorBody {
  readonly error_code: number;
  readonly message: string;
}

/** An error with Confluent's HTTP status and `error_code` (e.g. 404 / 40401). */
export class SchemaRegistryException extends HttpException {
  readonly body: SchemaRegistryErrorBody;

  constructor(status: number, registryErrorCode: number, message: string) {
    const body = { error_code: registryErrorCode, message } satisfies SchemaRegistryErrorBody;
    super(body, status);
    this.body = body;
  }
}

const MAX_VERSION = 2 ** 31 - 1;

/** The Confluent errors the registry answers, with Confluent's codes and wording. */
export const RegistryErrors = {
  notFound: () => new SchemaRegistryException(404, 404, 'HTTP 404 Not Found'),
  subjectNotFound: (subject: string) => new SchemaRegistryException(404, 40401, `Subject '${subject}' not found.`),
  versionNotFound: (version: number | string) => new SchemaRegistryException(404, 40402, `Version ${version} not found.`),
  schemaIdNotFound: (id: number | string) => new SchemaRegistryException(404, 40403, `Schema ${id} not found`),
  schemaNotFound: () => new SchemaRegistryException(404, 40403, 'Schema not found'),
  subjectSoftDeleted: (subject: string) =>
    new SchemaRegistryException(404, 40404, `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`),
  subjectNotSoftDeleted: (subject: string) =>
    new SchemaRegistryException(404, 40405, `Subject '${subject}' was not deleted first before being permanently deleted`),
  versionSoftDeleted: (subject: string, version: number) =>
    new SchemaRegistryException(
      404,
      40406,
      `Subject '${subject}' Version ${version} was soft deleted. Set permanent=true to delete permanently`,
    ),
  versionNotSoftDeleted: (subject: string, version: number) =>
    new SchemaRegistryException(
      404,
      40407,
      `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
    ),
  subjectConfigNotFound: (subject: string) =>
    new SchemaRegistryException(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`),
  subjectModeNotFound: (subject: string) =>
    new SchemaRegistryException(404, 40409, `Subject '${subject}' does not have subject-level mode configured`),
  incompatible: (subject: string, messages: readonly string[]) =>
    new SchemaRegistryException(
      409,
      409,
      `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(', ')}]`,
    ),
  invalidSchema: (message: string) => new SchemaRegistryException(422, 42201, message),
  invalidVersion: (version: string) =>
    new SchemaRegistryException(
      422,
      42202,
      `The specified version '${version}' is not a valid version id. Allowed values are between [1, ${MAX_VERSION}] and the string "latest"`,
    ),
  invalidCompatibilityLevel: () =>
    new SchemaRegistryException(
      422,
      42203,
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
    ),
  invalidMode: () =>
    new SchemaRegistryException(422, 42204, 'Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT'),
  modeNotChangeable: (mode: string) =>
    new SchemaRegistryException(422, 42205, `Mode ${mode} is not permitted: the built-in registry is always READWRITE`),
  invalidSubject: (subject: string) =>
    new SchemaRegistryException(
      422,
      42208,
      `The specified subject '${subject}' is not valid: it contains a control character or is reserved`,
    ),
  unprocessable: (message: string) => new SchemaRegistryException(422, 422, message),
  malformedJson: (reason: string) => new SchemaRegistryException(400, 400, `Malformed JSON request body: ${reason}`),
  payloadTooLarge: (limit: number) => new SchemaRegistryException(413, 413, `Request body larger than ${limit} bytes`),
  unsupportedMediaType: (type: string) =>
    new SchemaRegistryException(
      415,
      415,
      `HTTP 415 Unsupported Media Type: "${type}" (use application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json or application/json)`,
    ),
  notAcceptable: () => new SchemaRegistryException(406, 406, 'HTTP 406 Not Acceptable'),
  backendStore: () => new SchemaRegistryException(500, 50001, 'Error in the backend data store'),
};

/** A version path segment: a number in [1, 2^31-1], or `latest` (also `-1`, as Confluent accepts). */
export type VersionSelector = number | 'latest';

export function parseVersion(raw: string): VersionSelector {
  if (raw === 'latest' || raw === '-1') return 'latest';
  if (!/^\d{1,10}$/.test(raw)) throw RegistryErrors.invalidVersion(raw);
  const version = Number(raw);
  if (version < 1 || version > MAX_VERSION) throw RegistryErrors.invalidVersion(raw);
  return version;
}
