import { parseOrganisationNumber, parsePersonalIdentityNumber } from '@stafett/domain';
import { demoData } from './demo-data';

describe(demoData.name, () => {
  const data = demoData(new Date('2026-03-15T12:00:00Z'));
  const keys = (records: { externalId: string }[]) => new Set(records.map((r) => r.externalId));
  const refsOf = (value: unknown): string[] =>
    value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => (k === 'externalId' && typeof v === 'string' ? [v] : refsOf(v))) : [];

  it('should be a register of a realistic size: a federation, districts, clubs with sections, hundreds of members, groups and a season', () => {
    const types = data.organisations.map((o) => o.payload['type']);
    expect(types.filter((t) => t === 'FEDERATION').length).toBeGreaterThanOrEqual(1);
    expect(types.filter((t) => t === 'DISTRICT').length).toBeGreaterThanOrEqual(2);
    expect(types.filter((t) => t === 'CLUB').length).toBeGreaterThanOrEqual(3);
    expect(types.filter((t) => t === 'SECTION').length).toBeGreaterThanOrEqual(1);
    expect(data.persons.length).toBeGreaterThanOrEqual(200);
    expect(data.groups.length).toBeGreaterThanOrEqual(10);
    expect(data.activities.length).toBeGreaterThanOrEqual(200);
  });

  it('should hold only valid personnummer (agreeing with the birth date) and organisationsnummer, each once', () => {
    const pnrs = data.persons.map((p) => String(p.payload['personalIdentityNumber']));
    for (const [i, pnr] of pnrs.entries()) {
      const parsed = parsePersonalIdentityNumber(pnr);
      expect(parsed.ok).toBe(true);
      expect(pnr.slice(0, 8)).toBe(String(data.persons[i].payload['birthDate']).replace(/-/g, ''));
    }
    expect(new Set(pnrs).size).toBe(pnrs.length);
    const orgnrs = data.organisations.map((o) => String(o.payload['organisationNumber']));
    for (const n of orgnrs) expect(parseOrganisationNumber(n).ok).toBe(true);
    expect(new Set(orgnrs).size).toBe(orgnrs.length);
  });

  it('should reference only entities of the demo itself', () => {
    const known = new Set([...keys(data.organisations), ...keys(data.persons), ...keys(data.groups)]);
    for (const r of [...data.organisations, ...data.persons, ...data.groups, ...data.activities]) for (const ref of refsOf(r.payload)) expect(known).toContain(ref);
  });

  it('should mark the trainings before today as held, with attendance, and the later ones as planned', () => {
    const held = data.activities.filter((a) => a.payload['status'] === 'HELD');
    const planned = data.activities.filter((a) => a.payload['status'] === 'PLANNED');
    expect(held.length).toBeGreaterThan(0);
    expect(planned.length).toBeGreaterThan(0);
    for (const a of held) expect(Date.parse(String(a.payload['endsAt']))).toBeLessThan(Date.parse('2026-03-15T12:00:00Z'));
    expect(planned.every((a) => (a.payload['participants'] as { attended: boolean }[]).every((p) => !p.attended))).toBe(true);
  });
});
