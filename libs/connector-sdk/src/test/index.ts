export * from './connector-acceptance';
export { JsonLinesPersonsConnector, jsonLinesPersonsUnderTest, personRecord } from './json-lines-persons.connector';
