import type { ConnectorAgreement } from '@stafett/contracts';
import type { ConnectorSpec } from '../connector';
import { schemaErrors, type SchemaFieldError } from './json-schema';

/** The agreement's `config` does not fit its connector type's spec: every error names `config.<field>`. */
export class ConnectorConfigError extends Error {
  readonly code = 'INVALID_CONFIG';

  constructor(readonly errors: readonly SchemaFieldError[]) {
    super(`The connector configuration is invalid: ${errors.map((e) => `${e.field ?? 'config'} ${e.message}`).join('; ')}.`);
    this.name = 'ConnectorConfigError';
  }
}

/** Parses `config` (JSON text, as the agreement carries it, or an object) and validates it against `spec().configSchema`. */
export function validateConnectorConfig<C = unknown>(spec: ConnectorSpec, config: ConnectorAgreement['config'] | object | undefined): C {
  let value: unknown = config ?? '{}';
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new ConnectorConfigError([{ field: 'config', code: 'INVALID_FORMAT', message: 'is not valid JSON' }]);
    }
  }
  const errors = schemaErrors(spec.configSchema, value, 'config');
  if (errors.length > 0) throw new ConnectorConfigError(errors);
  return value as C;
}
