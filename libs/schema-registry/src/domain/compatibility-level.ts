/** The Confluent compatibility levels. BACKWARD = new readers read old data; FORWARD = old readers read new data. */
export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

/** The platform default (DESIGN §2): a new schema must read everything ever written to its subject. */
export const DEFAULT_COMPATIBILITY_LEVEL: CompatibilityLevel = 'BACKWARD_TRANSITIVE';

/** Confluent accepts the level in any case ("backward" or "BACKWARD"); undefined when it is none of them. */
export function toCompatibilityLevel(value: unknown): CompatibilityLevel | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  return COMPATIBILITY_LEVELS.find((level) => level === upper);
}
