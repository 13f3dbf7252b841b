import type { ConnectorSpec } from '../connector';
import { ConnectorConfigError, validateConnectorConfig } from './connector-config';
import { jsonSchemaErrors } from './json-schema';

describe(validateConnectorConfig.name, () => {
  const spec: ConnectorSpec = {
    type: 'lines',
    title: 'Lines',
    description: 'test',
    directions: ['IMPORT'],
    configSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['delimiter'],
      properties: { delimiter: { type: 'string', maxLength: 1 }, columns: { type: 'object', properties: { firstName: { type: 'string' } }, additionalProperties: false } },
    },
  };

  const errorsOf = (config: unknown) => {
    try {
      validateConnectorConfig(spec, config as string);
      return [];
    } catch (e) {
      return (e as ConnectorConfigError).errors;
    }
  };

  it('should return the parsed config when it fits the schema', () => {
    expect(validateConnectorConfig(spec, '{"delimiter":";"}')).toEqual({ delimiter: ';' });
  });

  it('should name a missing, an unknown and a wrong field under config', () => {
    expect(errorsOf({ columns: { fristName: 'x' } })).toEqual([
      { field: 'config.delimiter', code: 'REQUIRED', message: 'is required' },
      { field: 'config.columns.fristName', code: 'UNKNOWN_FIELD', message: 'is not a field of this schema' },
    ]);
    expect(errorsOf('{"delimiter": 7}')).toEqual([{ field: 'config.delimiter', code: 'INVALID_FORMAT', message: 'must be string' }]);
  });

  it('should refuse config that is not JSON', () => {
    expect(errorsOf('{delimiter')).toEqual([{ field: 'config', code: 'INVALID_FORMAT', message: 'is not valid JSON' }]);
  });

  it('should tell a valid JSON Schema from an invalid one', () => {
    expect(jsonSchemaErrors(spec.configSchema)).toEqual([]);
    expect(jsonSchemaErrors({ type: 'objekt' })).not.toEqual([]);
  });
});
