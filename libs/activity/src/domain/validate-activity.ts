import type { ActivityImportPayload, Reason } from '@stafett/contracts';
import { invalid, optionalText, ReasonCode, requiredText, valid, type Validated } from '@stafett/domain';
import type { ReferenceResolver, Validation } from '@stafett/entity-pipeline';
import { ACTIVITY_STATUSES, ACTIVITY_TYPES, applyPatch, ROLES, type ActivityPatch, type ActivityState, type ParticipantState, type WritableField } from './activity.model';

/** How one payload is judged: the batch's clock, and whether it is a system command (`source.system: stafett`). */
export interface ActivityValidationOptions {
  /** Epoch milliseconds: attendance may be recorded for an activity that has started. */
  readonly now: number;
  /**
   * A command the platform derived itself (a referenced person or group was removed): it only
   * takes something away, so the status and attendance rules, which judge what a source claims,
   * do not apply, and participants it keeps by id need no resolving.
   */
  readonly system: boolean;
}

/** Fields that may be named in `clearFields` (payload names), and what they clear in the state. */
const CLEARABLE: ReadonlyMap<string, WritableField> = new Map([
  ['group', 'groupId'],
  ['sport', 'sport'],
  ['location', 'location'],
  ['participants', 'participants'],
]);
const TITLE_MAX = 200;
const SPORT_MAX = 100;
const LOCATION_MAX = 200;
/** More is a file error, not an activity (LOK-stöd counts at most 20 participants per leader). */
export const MAX_PARTICIPANTS = 1_000;
/** Longer than this is a camp (läger) or an error. */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

const reason = (code: ReasonCode, field: string, message: string): Reason => ({ code, field, message });

/**
 * The regelverk for one activity payload, the same for imports, REST writes and the platform's own
 * commands. Every refusal names the field (`participants[4].person`) and a code; no message quotes
 * a reference's value (a person may be referenced by personnummer).
 *
 * - organisation, type, title, startsAt and endsAt are required for a new activity; a new one is
 *   PLANNED unless its status is given;
 * - endsAt after startsAt (INVALID_TIME_RANGE); longer than 24 h only for a CAMP (TOO_LONG_DURATION);
 * - PLANNED → HELD | CANCELLED; HELD and CANCELLED are final (INVALID_STATUS_TRANSITION);
 * - the group, when the projection knows its organisation, belongs to the activity's (GROUP_OF_OTHER_ORGANISATION);
 * - a person takes part at most once (DUPLICATE_PARTICIPANT); `attended: true` only when the
 *   activity is HELD, or PLANNED and started (ATTENDANCE_NOT_POSSIBLE: never for a CANCELLED one
 *   nor before the start);
 * - organisation, group and participants resolve through this service's projections, else
 *   UNKNOWN_REFERENCE (the pipeline parks the record until they appear).
 */
export function validateActivityPayload(
  payload: ActivityImportPayload,
  existing: ActivityState | undefined,
  refs: ReferenceResolver<ActivityState>,
  options: ActivityValidationOptions,
): Validation<ActivityPatch> {
  const errors: Reason[] = [];
  const patch: ActivityPatch = {};
  const take = <T>(field: string, result: Validated<T>, set: (v: T) => void) => {
    if (result.ok) set(result.value);
    else errors.push(reason(result.code, field, result.message));
  };

  if (payload.organisation != null) {
    const id = refs.foreign('organisation', payload.organisation);
    if (id) patch.organisationId = id;
    else errors.push(reason(ReasonCode.UNKNOWN_REFERENCE, 'organisation', 'No such organisation (by id or external id).'));
  }
  if (payload.group != null) {
    const id = refs.foreign('group', payload.group);
    if (id) patch.groupId = id;
    else errors.push(reason(ReasonCode.UNKNOWN_REFERENCE, 'group', 'No such group (by id or external id).'));
  }
  if (payload.type != null) {
    if (ACTIVITY_TYPES.includes(payload.type)) patch.type = payload.type;
    else errors.push(reason(ReasonCode.INVALID_ENUM, 'type', `type must be one of ${ACTIVITY_TYPES.join(', ')}.`));
  }
  if (payload.title != null) take('title', requiredText(payload.title, 'title', TITLE_MAX), (v) => (patch.title = v));
  if (payload.sport != null) take('sport', optionalText(payload.sport, 'sport', SPORT_MAX), (v) => (patch.sport = v ?? null));
  if (payload.location != null) take('location', optionalText(payload.location, 'location', LOCATION_MAX), (v) => (patch.location = v ?? null));
  if (payload.startsAt != null) take('startsAt', instant(payload.startsAt, 'startsAt'), (v) => (patch.startsAt = v));
  if (payload.endsAt != null) take('endsAt', instant(payload.endsAt, 'endsAt'), (v) => (patch.endsAt = v));
  if (payload.status != null) {
    if (ACTIVITY_STATUSES.includes(payload.status)) patch.status = payload.status;
    else errors.push(reason(ReasonCode.INVALID_ENUM, 'status', `status must be one of ${ACTIVITY_STATUSES.join(', ')}.`));
  }
  if (payload.participants != null && payload.participants.length > MAX_PARTICIPANTS) {
    errors.push(reason(ReasonCode.TOO_LONG, 'participants', `An activity has at most ${MAX_PARTICIPANTS} participants; this one has ${payload.participants.length}.`));
  } else if (payload.participants != null) {
    const kept = new Set(options.system ? (existing?.participants.map((p) => p.personId) ?? []) : []);
    const participants: ParticipantState[] = [];
    const seen = new Set<string>();
    payload.participants.forEach((p, i) => {
      const field = `participants[${i}]`;
      const personId = p.person.id && kept.has(p.person.id) ? p.person.id : refs.foreign('person', p.person);
      if (!ROLES.includes(p.role)) errors.push(reason(ReasonCode.INVALID_ENUM, `${field}.role`, `role must be one of ${ROLES.join(', ')}.`));
      if (!personId) {
        errors.push(reason(ReasonCode.UNKNOWN_REFERENCE, `${field}.person`, 'No such person (by id, external id or personal identity number).'));
        return;
      }
      if (seen.has(personId)) {
        errors.push(reason(ReasonCode.DUPLICATE_PARTICIPANT, `${field}.person`, 'The person is already a participant of this activity (a person takes part once).'));
        return;
      }
      seen.add(personId);
      participants.push({ personId, role: p.role, attended: p.attended ?? false });
    });
    patch.participants = participants;
  }

  for (const field of payload.clearFields ?? []) {
    const target = CLEARABLE.get(field);
    if (!target) {
      errors.push(reason(ReasonCode.REQUIRED, field, `${field} cannot be cleared; clearable fields are ${[...CLEARABLE.keys()].join(', ')}.`));
      continue;
    }
    (patch as Record<string, unknown>)[target] = target === 'participants' ? [] : null;
  }

  if (!existing) {
    const required: [keyof ActivityPatch, string][] = [
      ['organisationId', 'organisation'],
      ['type', 'type'],
      ['title', 'title'],
      ['startsAt', 'startsAt'],
      ['endsAt', 'endsAt'],
    ];
    for (const [key, field] of required) {
      if (patch[key] === undefined && !errors.some((e) => e.field === field)) errors.push(reason(ReasonCode.REQUIRED, field, `${field} is required for a new activity.`));
    }
    patch.status ??= 'PLANNED';
  }
  if (errors.length > 0) return { errors };

  // Cross-field rules on the result of the merge.
  const merged = applyPatch(existing?.id ?? '', existing, patch, []);
  if (patch.groupId !== undefined || patch.organisationId !== undefined) {
    const group = merged.groupId ? refs.known('group', merged.groupId) : undefined;
    if (group && group.organisationIds.length > 0 && !group.organisationIds.includes(merged.organisationId)) {
      errors.push(reason(ReasonCode.GROUP_OF_OTHER_ORGANISATION, 'group', "The group belongs to another organisation than the activity's."));
    }
  }
  if (patch.startsAt !== undefined || patch.endsAt !== undefined || patch.type !== undefined) {
    const duration = Date.parse(merged.endsAt) - Date.parse(merged.startsAt);
    if (duration <= 0) errors.push(reason(ReasonCode.INVALID_TIME_RANGE, 'endsAt', 'endsAt must be after startsAt.'));
    else if (duration > MAX_DURATION_MS && merged.type !== 'CAMP') {
      errors.push(reason(ReasonCode.TOO_LONG_DURATION, 'endsAt', 'Only a CAMP may last longer than 24 hours; split the activity or make it a CAMP.'));
    }
  }
  if (!options.system) {
    if (existing && patch.status !== undefined && patch.status !== existing.status && existing.status !== 'PLANNED') {
      errors.push(reason(ReasonCode.INVALID_STATUS_TRANSITION, 'status', `A ${existing.status} activity is final; only a PLANNED one becomes HELD or CANCELLED.`));
    }
    // Attendance is judged against a status that can stand: after a refused transition it would only repeat the refusal.
    const transitionRefused = errors.some((e) => e.code === ReasonCode.INVALID_STATUS_TRANSITION);
    if (!transitionRefused && (patch.participants !== undefined || patch.status !== undefined || patch.startsAt !== undefined)) {
      const started = Date.parse(merged.startsAt) <= options.now;
      const attendable = merged.status === 'HELD' || (merged.status === 'PLANNED' && started);
      if (!attendable) {
        const why = merged.status === 'CANCELLED' ? 'A CANCELLED activity has no attendance.' : 'Attendance is recorded once the activity has started (or is HELD).';
        merged.participants.forEach((p, i) => {
          if (p.attended) errors.push(reason(ReasonCode.ATTENDANCE_NOT_POSSIBLE, `participants[${i}].attended`, why));
        });
      }
    }
  }
  return errors.length > 0 ? { errors } : { patch };
}

/** A timestamp-millis instant as the state keeps it (ISO 8601 UTC). */
function instant(value: Date, field: string): Validated<string> {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) return invalid(ReasonCode.INVALID_DATE, `${field} is not a valid instant.`);
  // Postgres timestamptz and ISO 8601 with a four-digit year: 0001..9999.
  if (ms < Date.UTC(1900, 0, 1) || ms >= Date.UTC(10000, 0, 1)) return invalid(ReasonCode.INVALID_DATE, `${field} must be between 1900 and 9999.`);
  return valid(new Date(ms).toISOString());
}
