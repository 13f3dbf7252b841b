import type { GroupImportPayload } from '@stafett/contracts';
import type { CreateGroupDto } from './dtos/create-group.dto';
import type { UpdateGroupDto } from './dtos/update-group.dto';

/**
 * A REST body as the payload an import would carry, so both run the same regelverk: the
 * organisation and the members' persons become references by id. In a PATCH, `null` clears a field
 * (`clearFields`); in a create it means "not given".
 */
export function toGroupPayload(body: CreateGroupDto | UpdateGroupDto, nullClears: boolean): GroupImportPayload {
  const payload: { -readonly [K in keyof GroupImportPayload]: GroupImportPayload[K] } = {};
  const clearFields: string[] = [];
  const take = <K extends keyof CreateGroupDto>(field: K, set: (value: NonNullable<CreateGroupDto[K]>) => void) => {
    const value = body[field];
    if (value === undefined) return;
    if (value === null) {
      if (nullClears) clearFields.push(field);
      return;
    }
    set(value as NonNullable<CreateGroupDto[K]>);
  };
  take('organisationId', (v) => (payload.organisation = { id: v }));
  take('name', (v) => (payload.name = v));
  take('type', (v) => (payload.type = v));
  take('sport', (v) => (payload.sport = v));
  take('members', (v) => (payload.members = v.map((m) => ({ person: { id: m.personId }, role: m.role, from: m.from, to: m.to ?? null }))));
  take('status', (v) => (payload.status = v));
  if (clearFields.length > 0) payload.clearFields = clearFields;
  return payload;
}
