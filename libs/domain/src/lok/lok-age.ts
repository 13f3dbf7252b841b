import { parsePersonalIdentityNumber } from '../personnummer';

/**
 * Age as LOK-stöd counts it: the age a person turns during the calendar year of `date`
 * (someone born 2019-12-31 "is 7" all of 2026).
 */
export function lokAgeInYear(birthDate: string, date: string): number {
  return Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
}

/** Full years on `date` (both YYYY-MM-DD): a leader "has turned 13 on the day". */
export function ageOnDate(birthDate: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/**
 * The birth date LOK-stöd goes by: the personnummer's (samordningsnummer: day − 60) when there is a
 * valid one, else the given birth date; null when neither is known.
 */
export function lokBirthDate(person: { readonly personalIdentityNumber?: string | null; readonly birthDate?: string | null }): string | null {
  if (person.personalIdentityNumber) {
    const parsed = parsePersonalIdentityNumber(person.personalIdentityNumber);
    if (parsed.ok) return parsed.value.birthDate;
  }
  return person.birthDate ?? null;
}
