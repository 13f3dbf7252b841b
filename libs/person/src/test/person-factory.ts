import type { PersonImportPayload } from '@stafett/contracts';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makePersonnummer } from '@stafett/domain';
import { testDatabaseUrl } from '@stafett/testing';

const BLOCK = 10_000;
let block = { next: 0, end: 0 };

/**
 * The next number of a sequence shared by every test file of the run (a file in the temp folder,
 * keyed by the run's database): test files share that database but neither module state nor
 * process.env (jest copies it per file), and two files must never build the same personnummer.
 * Numbers are reserved in blocks, so the file is touched once per 10,000 persons.
 */
function next(): number {
  if (block.next === block.end) {
    const key = createHash('sha1').update(testDatabaseUrl()).digest('hex').slice(0, 16);
    const file = path.join(tmpdir(), `stafett-person-sequence-${key}`);
    let start = 0;
    try {
      start = Number(readFileSync(file, 'utf8')) || 0;
    } catch {
      // first file of the run
    }
    writeFileSync(file, String(start + BLOCK));
    block = { next: start, end: start + BLOCK };
  }
  return block.next++;
}

/** A valid synthetic person; every call a different personnummer (born 1950–2009). */
export function validPerson(i: number, overrides: Partial<PersonImportPayload> = {}): PersonImportPayload {
  const n = next();
  // 60 years x 12 months x 28 days x 500 serials, per sex: millions of distinct numbers.
  const birthDate = `${1950 + (n % 60)}-${String(1 + (Math.floor(n / 60) % 12)).padStart(2, '0')}-${String(1 + (Math.floor(n / 720) % 28)).padStart(2, '0')}`;
  const sex = i % 2 === 0 ? 'FEMALE' : 'MALE';
  return {
    personalIdentityNumber: makePersonnummer({ birthDate, sex, serial: Math.floor(n / 20_160) % 500 }),
    firstName: `Förnamn${i}`,
    lastName: `Efternamn${i}`,
    birthDate,
    sex,
    address: { street: `Storgatan ${1 + (i % 90)}`, postalCode: '114 55', city: 'Stockholm', countryCode: 'SE' },
    email: `person${i}@example.se`,
    phone: `070-${String(1000000 + i).slice(-7)}`,
    ...overrides,
  };
}
