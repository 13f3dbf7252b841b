/** Java's `Character.isISOControl`: C0 controls, DEL and C1 controls. */
function isIsoControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

/** Subject names Confluent reserves for its own records (global config and permissions, the empty subject). */
const RESERVED_SUBJECTS = new Set(['__GLOBAL', '__EMPTY']);

/**
 * Whether a subject may be written to (registration, subject-level config or mode), by
 * Confluent's rule (`QualifiedSubject.isValidSubject`): no control characters, not reserved.
 * Reads of such a name simply find nothing.
 */
export function isValidSubject(subject: string): boolean {
  return ![...subject].some((ch) => isIsoControl(ch.charCodeAt(0))) && !RESERVED_SUBJECTS.has(subject);
}
