/**
 * Machine-readable reason codes of the regelverk (DESIGN §2 `ImportResult.reasons[].code`, §3).
 * The codes are part of the public contract: add new ones, never rename or reuse one.
 */
export const ReasonCode = {
  // Field validation
  REQUIRED: 'REQUIRED',
  INVALID_FORMAT: 'INVALID_FORMAT',
  INVALID_DATE: 'INVALID_DATE',
  INVALID_CHECKSUM: 'INVALID_CHECKSUM',
  BIRTH_DATE_MISMATCH: 'BIRTH_DATE_MISMATCH',
  INVALID_ORGANISATION_NUMBER: 'INVALID_ORGANISATION_NUMBER',
  INVALID_POSTAL_CODE: 'INVALID_POSTAL_CODE',
  INVALID_EMAIL: 'INVALID_EMAIL',
  INVALID_PHONE: 'INVALID_PHONE',
  INVALID_MUNICIPALITY_CODE: 'INVALID_MUNICIPALITY_CODE',
  INVALID_ENUM: 'INVALID_ENUM',
  TOO_LONG: 'TOO_LONG',
  // A field's value is not allowed together with another field's (e.g. an admin API key bound to an organisation).
  INVALID_COMBINATION: 'INVALID_COMBINATION',
  // Matching and flow
  AMBIGUOUS_MATCH: 'AMBIGUOUS_MATCH',
  PROTECTED_IDENTITY: 'PROTECTED_IDENTITY',
  UNKNOWN_REFERENCE: 'UNKNOWN_REFERENCE',
  // A record or request through an organisation-scoped API key about an entity outside its subtree.
  OUT_OF_SCOPE: 'OUT_OF_SCOPE',
  // Integration agreements (warnings: the field is dropped, the rest of the record applies). A field
  // another connector's agreement owns; a field the sending connector's own agreement does not list.
  FIELD_OWNED_BY_OTHER_SOURCE: 'FIELD_OWNED_BY_OTHER_SOURCE',
  FIELD_NOT_IN_AGREEMENT: 'FIELD_NOT_IN_AGREEMENT',
  // A scoped import joined an entity of other organisations by its natural key (a member of another
  // club joining this one): only the join fields apply, every other field is dropped (a warning).
  FIELD_OUTSIDE_SCOPE: 'FIELD_OUTSIDE_SCOPE',
  STALE_VERSION: 'STALE_VERSION',
  NOT_FOUND: 'NOT_FOUND',
  // Organisation hierarchy: a parent (or federation) of a type the child's type cannot have; an organisation that would become its own ancestor; a removal that would orphan children.
  INVALID_PARENT: 'INVALID_PARENT',
  HIERARCHY_CYCLE: 'HIERARCHY_CYCLE',
  HAS_CHILDREN: 'HAS_CHILDREN',
  // A person is a member of a group twice over a period (group members: the same person's date ranges must not overlap).
  OVERLAPPING_MEMBERSHIP: 'OVERLAPPING_MEMBERSHIP',
  // The record failed permanently where no rule could answer it (e.g. the database refused it) and went to the DLQ.
  DEAD_LETTERED: 'DEAD_LETTERED',
  // Activities
  INVALID_TIME_RANGE: 'INVALID_TIME_RANGE',
  TOO_LONG_DURATION: 'TOO_LONG_DURATION',
  INVALID_STATUS_TRANSITION: 'INVALID_STATUS_TRANSITION',
  DUPLICATE_PARTICIPANT: 'DUPLICATE_PARTICIPANT',
  ATTENDANCE_NOT_POSSIBLE: 'ATTENDANCE_NOT_POSSIBLE',
  GROUP_OF_OTHER_ORGANISATION: 'GROUP_OF_OTHER_ORGANISATION',
} as const;

export type ReasonCode = (typeof ReasonCode)[keyof typeof ReasonCode];

const reasonCodes: ReadonlySet<string> = new Set(Object.values(ReasonCode));

/** Narrows a string (e.g. read back from a topic or a database) to a known reason code. */
export function isReasonCode(value: string): value is ReasonCode {
  return reasonCodes.has(value);
}
