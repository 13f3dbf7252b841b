import type { ActivityState } from '../domain/activity.model';
import type { ActivityDto } from './dtos/activity.dto';

/** What the API answers for an activity: the contract's fields (instants as ISO 8601 UTC) plus its version. */
export function toActivityView(a: ActivityState, version: number): ActivityDto {
  return {
    id: a.id,
    organisationId: a.organisationId,
    groupId: a.groupId,
    type: a.type,
    title: a.title,
    sport: a.sport,
    startsAt: a.startsAt,
    endsAt: a.endsAt,
    location: a.location,
    status: a.status,
    participants: a.participants.map((p) => ({ personId: p.personId, role: p.role, attended: p.attended })),
    externalIds: a.externalIds.map((e) => ({ system: e.system, id: e.id })),
    version,
  };
}
