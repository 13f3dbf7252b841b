import type { Reason } from '@stafett/contracts';
import { ReasonCode } from '@stafett/domain';
import type { EntityFieldPolicy, FieldOwner } from './agreement-book';

/** Where a command comes from, as far as agreements are concerned. */
export interface CommandSource {
  readonly system: string;
  readonly connectorId?: string | null;
}

export interface FieldScreenInput {
  readonly policy: EntityFieldPolicy;
  readonly source: CommandSource;
  /** The import payload: `null`/absent means "not given"; `clearFields` names fields to empty. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** The contract field a payload field writes (`organisation` → `organisationId`); undefined: none (e.g. `protectedIdentity`), never dropped. */
  readonly contractFieldOf: (payloadField: string) => string | undefined;
  /** Whether an owner's ownership reaches the entity (its organisation subtree); asked only for owners of a field the payload writes. */
  readonly reaches: (owner: FieldOwner) => boolean;
  /** A payload field that is never dropped (the natural key the record matched by, or creates the entity with). */
  readonly exempt?: string;
}

export interface FieldScreen<P> {
  /** The payload without the dropped fields (they are `null`: not given) and `clearFields` entries. */
  readonly payload: P;
  /** One warning per dropped field, in payload order. */
  readonly reasons: readonly Reason[];
  /** Whether the payload still writes anything (a field or a `clearFields` entry). */
  readonly writesAnything: boolean;
}

const CLEAR_FIELDS = 'clearFields';

/** Whether a record from `source` is another source than the owner (a connector by its id; a record without one by its system). */
export function isOtherSource(owner: FieldOwner, source: CommandSource): boolean {
  return source.connectorId ? owner.connectorId !== source.connectorId : owner.sourceSystem !== source.system;
}

/**
 * Field ownership of the integration agreements (DESIGN §3), for one import payload: every field
 * (and `clearFields` entry) that another connector's agreement owns for this entity is dropped with
 * FIELD_OWNED_BY_OTHER_SOURCE naming the owner; a connector's write to a field its own agreement
 * does not list (when it lists any) is dropped with FIELD_NOT_IN_AGREEMENT. Returns undefined when
 * nothing is dropped (the payload applies as it is). Pure: no I/O, nothing mutated.
 */
export function screenFields<P>(input: FieldScreenInput): FieldScreen<P> | undefined {
  const { policy, source, payload, contractFieldOf, exempt } = input;
  const allowed = source.connectorId ? policy.allowed.get(source.connectorId) : undefined;
  if (policy.owners.size === 0 && !allowed) return undefined;
  const reach = new Map<FieldOwner, boolean>();
  const reaches = (o: FieldOwner): boolean => {
    let r = reach.get(o);
    if (r === undefined) reach.set(o, (r = input.reaches(o)));
    return r;
  };
  const verdicts = new Map<string, Reason | null>();
  /** Why a payload field may not be written by this source, or null. */
  const verdict = (field: string): Reason | null => {
    const known = verdicts.get(field);
    if (known !== undefined) return known;
    let reason: Reason | null = null;
    const contractField = field === exempt ? undefined : contractFieldOf(field);
    if (contractField !== undefined) {
      const others = (policy.owners.get(contractField) ?? []).filter((o) => isOtherSource(o, source) && reaches(o));
      if (others.length > 0) {
        const names = others.map((o) => o.connectorId);
        reason = { code: ReasonCode.FIELD_OWNED_BY_OTHER_SOURCE, field, message: `owned by connector${names.length > 1 ? 's' : ''} ${names.join(', ')}` };
      } else if (allowed && !allowed.has(contractField)) {
        reason = { code: ReasonCode.FIELD_NOT_IN_AGREEMENT, field, message: `not in the agreement of connector ${source.connectorId}` };
      }
    }
    verdicts.set(field, reason);
    return reason;
  };

  const reasons: Reason[] = [];
  const dropped: Record<string, null> = {};
  let writesAnything = false;
  for (const field of Object.keys(payload)) {
    const value = payload[field];
    if (field === CLEAR_FIELDS || value === null || value === undefined) continue;
    const reason = verdict(field);
    if (reason) {
      reasons.push(reason);
      dropped[field] = null;
    } else if (contractFieldOf(field) !== undefined) writesAnything = true;
  }
  const clear = Array.isArray(payload[CLEAR_FIELDS]) ? (payload[CLEAR_FIELDS] as unknown[]) : [];
  const keptClears: unknown[] = [];
  for (const entry of clear) {
    const reason = typeof entry === 'string' ? verdict(entry) : null;
    if (!reason) {
      keptClears.push(entry);
      continue;
    }
    if (!reasons.some((r) => r.field === reason.field)) reasons.push(reason);
  }
  if (reasons.length === 0) return undefined;
  writesAnything ||= keptClears.length > 0;
  const trimmed = { ...payload, ...dropped, ...(keptClears.length !== clear.length ? { [CLEAR_FIELDS]: keptClears } : {}) } as P;
  return { payload: trimmed, reasons, writesAnything };
}
