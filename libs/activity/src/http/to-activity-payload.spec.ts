import { restField } from './activity-write.service';
import { toActivityPayload } from './to-activity-payload';

const ORG = '00000000-0000-4000-8000-00000000000A';
const ANNA = '00000000-0000-4000-8000-000000000001';

describe(toActivityPayload.name, () => {
  it('should turn a create body into the import payload: references by id (lower case), instants as Dates', () => {
    const payload = toActivityPayload(
      {
        organisationId: ORG,
        groupId: null,
        type: 'MATCH',
        title: 'Match',
        startsAt: '2027-02-01T18:00:00+01:00',
        endsAt: '2027-02-01T19:00:00Z',
        participants: [{ personId: ANNA, role: 'LEADER' }],
      },
      false,
    );
    expect(payload).toEqual({
      organisation: { id: ORG.toLowerCase() },
      type: 'MATCH',
      title: 'Match',
      startsAt: new Date('2027-02-01T17:00:00Z'),
      endsAt: new Date('2027-02-01T19:00:00Z'),
      participants: [{ person: { id: ANNA }, role: 'LEADER', attended: false }],
    });
  });

  it('should clear with null in a PATCH, under the payload names', () => {
    expect(toActivityPayload({ groupId: null, participants: null, sport: null }, true)).toEqual({ clearFields: ['group', 'sport', 'participants'] });
  });
});

describe('restField', () => {
  it.each([
    ['organisation', 'organisationId'],
    ['group', 'groupId'],
    ['participants[4].person', 'participants[4].personId'],
    ['participants[4].attended', 'participants[4].attended'],
    ['endsAt', 'endsAt'],
  ])('should answer %s as %s', (field, rest) => {
    expect(restField(field)).toBe(rest);
  });
});
