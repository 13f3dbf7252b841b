/**
 * The member-file connector passes the SDK's acceptance suite, as every connector must: its spec is a
 * valid JSON Schema, a bad config is refused naming the field, a repeat run of the same register is
 * all UNCHANGED with no change event, and a run cut off midway resumes from its saved checkpoint.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describeConnectorAcceptance } from '@stafett/connector-sdk/testing';
import { MemberFileConnector, type MemberFileConfig } from './member-file.connector';

describeConnectorAcceptance<MemberFileConfig>('MemberFileConnector', () => ({
  connector: new MemberFileConnector(randomBytes(32)),
  // A checkpoint every other row, so a run cut off midway has one to resume from.
  config: { checkpointEvery: 2 },
  invalidConfig: { config: { checkpointEvery: 0 }, field: 'config.checkpointEvery' },
  // The register as a club keeps it: a semicolon-separated file with Swedish headers.
  input: (persons) => ({
    file: {
      name: 'medlemmar.csv',
      stream: Readable.from([
        'Medlemsnummer;Förnamn;Efternamn;Personnummer;Födelsedatum;E-post;Medlem sedan\n',
        ...persons.map((p) => `${p.externalId};${p.firstName};${p.lastName};${p.personalIdentityNumber};${p.birthDate};${p.email};2020-01-01\n`),
      ]),
    },
  }),
}));
