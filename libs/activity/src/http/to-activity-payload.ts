import type { ActivityImportPayload } from '@stafett/contracts';
import type { CreateActivityDto } from './dtos/create-activity.dto';
import type { UpdateActivityDto } from './dtos/update-activity.dto';

/** REST field → the payload field `clearFields` names. */
const CLEAR_NAME: Partial<Record<keyof CreateActivityDto, string>> = { groupId: 'group', sport: 'sport', location: 'location', participants: 'participants' };

/**
 * A REST body as the payload an import would carry, so both run the same regelverk. Organisation,
 * group and participants become references by id; instants become Dates (timestamp-millis). In a
 * PATCH, `null` clears a field (`clearFields`; a field that cannot be cleared is refused by name);
 * in a create it means "not given".
 */
export function toActivityPayload(body: CreateActivityDto | UpdateActivityDto, nullClears: boolean): ActivityImportPayload {
  const payload: { -readonly [K in keyof ActivityImportPayload]: ActivityImportPayload[K] } = {};
  const clearFields: string[] = [];
  const take = <K extends keyof CreateActivityDto>(field: K, set: (value: NonNullable<CreateActivityDto[K]>) => void) => {
    const value = body[field];
    if (value === undefined) return;
    if (value === null) {
      if (nullClears) clearFields.push(CLEAR_NAME[field] ?? field);
      return;
    }
    set(value as NonNullable<CreateActivityDto[K]>);
  };
  take('organisationId', (v) => (payload.organisation = { id: v.toLowerCase() }));
  take('groupId', (v) => (payload.group = { id: v.toLowerCase() }));
  take('type', (v) => (payload.type = v));
  take('title', (v) => (payload.title = v));
  take('sport', (v) => (payload.sport = v));
  take('startsAt', (v) => (payload.startsAt = new Date(v)));
  take('endsAt', (v) => (payload.endsAt = new Date(v)));
  take('location', (v) => (payload.location = v));
  take('status', (v) => (payload.status = v));
  take('participants', (v) => (payload.participants = v.map((p) => ({ person: { id: p.personId.toLowerCase() }, role: p.role, attended: p.attended ?? false }))));
  if (clearFields.length > 0) payload.clearFields = clearFields;
  return payload;
}
