import { randomUUID } from 'node:crypto';
import type { PersonImportPayload, PersonImportRecord } from '@stafett/contracts';
import { makePersonnummer } from '@stafett/domain';

const FIRST = ['Anna', 'Erik', 'Maja', 'Lars', 'Elsa', 'Karl', 'Ebba', 'Nils', 'Alva', 'Olof', 'Saga', 'Axel'];
const LAST = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson'];
const CITIES = [
  ['Stockholm', '11455'],
  ['Göteborg', '41101'],
  ['Malmö', '21120'],
  ['Uppsala', '75310'],
  ['Umeå', '90326'],
] as const;

/** A synthetic, valid person payload; `run` keeps personnummer distinct between benchmark runs. */
export function benchPerson(i: number, run: number): PersonImportPayload {
  // 100 years x 365 days x 2 sexes x 500 serials: 36 million distinct numbers.
  const n = i + run * 3_000_000;
  const day = n % 36_500;
  const date = new Date(Date.UTC(1920, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
  const sex = Math.floor(n / 36_500) % 2 === 0 ? 'FEMALE' : 'MALE';
  const serial = Math.floor(n / 73_000) % 500;
  const [city, postalCode] = CITIES[i % CITIES.length];
  return {
    personalIdentityNumber: makePersonnummer({ birthDate: date, sex, serial }),
    firstName: FIRST[i % FIRST.length],
    lastName: LAST[(i >> 3) % LAST.length],
    birthDate: date,
    sex,
    address: { street: `Idrottsvägen ${1 + (i % 120)}`, postalCode, city, countryCode: 'SE' },
    email: `member${n}@example.se`,
    phone: `070${String(1_000_000 + (n % 9_000_000)).padStart(7, '0')}`,
    disability: i % 97 === 0,
  };
}

export function benchRecord(i: number, run: number, batchId: string): PersonImportRecord {
  return {
    recordId: randomUUID(),
    batchId,
    source: { system: 'bench', connectorId: null },
    externalId: `r${run}-${i}`,
    op: 'UPSERT',
    receivedAt: new Date(),
    payload: benchPerson(i, run),
  };
}
