export * from './connector-acceptance';
export { JsonLinesPersonsConnector, jsonLinesPersonsUnderTest } from './json-lines-persons.connector';
