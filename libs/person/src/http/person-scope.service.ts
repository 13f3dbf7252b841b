import { Injectable, Logger } from '@nestjs/common';
import { Problems, type FieldError } from '@stafett/api';
import type { PersonImportPayload } from '@stafett/contracts';
import { ReasonCode } from '@stafett/domain';
import { InjectOrganisationTree, type OrganisationTree, type Stored } from '@stafett/entity-pipeline';
import type { MembershipState, PersonState } from '../domain/person.model';
import { PersonRules } from '../domain/person.rules';
import { PersonQueryService } from './queries/person-query.service';

/** The answer for a person the key may not see: the very problem of an unknown id. */
export const noSuchPerson = () => Problems.notFound('No person with this id.');

const NO_ORGANISATION = 'No organisation with this id.';

/** The 412 the writer answers when the person is not at the If-Match version. */
function stale(current: number, expected: number) {
  const message = `The person is at version ${current}, not ${expected}.`;
  return Problems.preconditionFailed(`${message} Read it again and retry with its ETag.`, [{ field: 'version', code: ReasonCode.STALE_VERSION, message }]);
}

const membershipKey = (m: { organisationId: string; from: string; to: string | null }) => `${m.organisationId}|${m.from}|${m.to ?? ''}`;

/**
 * What an organisation-scoped API key may see and change of persons (DESIGN §2): a person is in
 * the key's subtree when one of its memberships' organisations is (`PersonRules.organisationsOf`,
 * the subtree from this service's projection `person.organisation_edge`). Outside it, a person is
 * answered 404 exactly like an unknown id. A write through a scoped key must leave the person with
 * a membership in the subtree, may add or change memberships only in the subtree, and keeps the
 * memberships outside it as they are (those are another organisation's). A null scope (a global
 * key) passes everything.
 */
@Injectable()
export class PersonScopeService {
  private readonly log = new Logger('persons');

  constructor(
    @InjectOrganisationTree('person') private readonly tree: OrganisationTree,
    private readonly rules: PersonRules,
    private readonly queries: PersonQueryService,
  ) {}

  /** The person with its version as the key may see it; undefined when unknown or outside the key's subtree. */
  async find(scope: string | null, id: string): Promise<Stored<PersonState> | undefined> {
    const person = await this.queries.find(id);
    if (!person || scope === null) return person;
    return (await this.tree.containsAny(scope, this.rules.organisationsOf(person.state))) ? person : undefined;
  }

  /** Whether the key may see this person. */
  async sees(scope: string | null, person: PersonState): Promise<boolean> {
    return scope === null || this.tree.containsAny(scope, this.rules.organisationsOf(person));
  }

  /** The organisation ids of the key's subtree (for list filters), undefined for a global key. */
  async organisations(scope: string | null): Promise<string[] | undefined> {
    return scope === null ? undefined : this.tree.subtree(scope);
  }

  /**
   * The version a PATCH applies to: for a scoped key, the one whose scope was checked (404 outside
   * the subtree, as an unknown id; 412 when If-Match names another; the write refused as `checkWrite`
   * says), so a person moved out of the subtree meanwhile is not changed (the writer answers 412).
   */
  async checkChange(scope: string | null, id: string, version: number | undefined, payload: PersonImportPayload): Promise<number | undefined> {
    if (scope === null) return version;
    const found = await this.pinned(scope, id, version);
    await this.checkWrite(scope, found.state, payload);
    return found.version;
  }

  /** The version a DELETE or erase applies to: as `checkChange`, without a payload (If-Match optional). */
  async pinnedVersion(scope: string | null, id: string, version: number | undefined): Promise<number | undefined> {
    return scope === null ? version : (await this.pinned(scope, id, version)).version;
  }

  /**
   * Whom `protectedIdentity: true` through a scoped key erases: the person `id` (404 outside the
   * subtree) or else the holder of the number. A holder outside the subtree is not touched: the
   * answer is `'outside'` (the caller answers the same 204, so the key learns nothing about who
   * holds or protects the number) and a warning names the person's id, never the number, for an
   * operator to apply it with a global key.
   */
  async protectionSubject(scope: string, payload: PersonImportPayload, id?: string): Promise<Stored<PersonState> | 'outside' | undefined> {
    const target = id === undefined ? undefined : await this.pinned(scope, id, undefined);
    const holder = payload.personalIdentityNumber ? await this.queries.holderOf(payload.personalIdentityNumber) : undefined;
    if (holder && holder.state.id !== id && !(await this.sees(scope, holder.state))) {
      this.log.warn(
        { personId: holder.state.id },
        "protectedIdentity through an organisation-scoped key for a person outside the key's subtree: not applied; apply it with a global key",
      );
      return 'outside';
    }
    return target ?? holder;
  }

  /**
   * Refuses (404, naming the field) a create (`before` undefined) or change of a person through a
   * scoped key that would add or change a membership outside the subtree (UNKNOWN_REFERENCE: to
   * this key such an organisation does not exist), drop one outside it, or leave the person
   * without a membership in it (OUT_OF_SCOPE).
   */
  async checkWrite(scope: string | null, before: PersonState | undefined, payload: PersonImportPayload): Promise<void> {
    if (scope === null) return;
    const existing: readonly MembershipState[] = before?.memberships ?? [];
    const given = payload.memberships?.map((m) => ({ organisationId: (m.organisation.id ?? '').toLowerCase(), from: m.from, to: m.to ?? null }));
    const after = given ?? (payload.clearFields?.includes('memberships') ? [] : existing);
    const inside = await this.within(
      scope,
      [...existing, ...after].map((m) => m.organisationId),
    );

    const errors: FieldError[] = [];
    // Memberships outside the subtree may be carried over unchanged, nothing more.
    const kept = new Map<string, number>();
    for (const m of existing) if (!inside.has(m.organisationId)) kept.set(membershipKey(m), (kept.get(membershipKey(m)) ?? 0) + 1);
    if (given) {
      given.forEach((m, i) => {
        if (inside.has(m.organisationId)) return;
        const left = kept.get(membershipKey(m)) ?? 0;
        if (left > 0) {
          kept.set(membershipKey(m), left - 1);
          return;
        }
        const known = existing.some((e) => e.organisationId === m.organisationId);
        errors.push(
          known
            ? {
                field: `memberships[${i}]`,
                code: ReasonCode.OUT_OF_SCOPE,
                message: "The organisation is outside this API key's subtree: its membership can be kept as it is, not changed.",
              }
            : { field: `memberships[${i}].organisationId`, code: ReasonCode.UNKNOWN_REFERENCE, message: NO_ORGANISATION },
        );
      });
    }
    if (given && [...kept.values()].some((n) => n > 0)) {
      errors.push({
        field: 'memberships',
        code: ReasonCode.OUT_OF_SCOPE,
        message: "A membership in an organisation outside this API key's subtree cannot be removed through this key.",
      });
    }
    if (!after.some((m) => inside.has(m.organisationId))) {
      errors.push({ field: 'memberships', code: ReasonCode.OUT_OF_SCOPE, message: "The person needs a membership in an organisation of this API key's subtree." });
    }
    if (errors.length > 0) {
      const unknown = errors.some((e) => e.code === ReasonCode.UNKNOWN_REFERENCE);
      throw Problems.notFound(unknown ? NO_ORGANISATION : "The write would take the person outside this API key's organisation subtree.", errors);
    }
  }

  private async pinned(scope: string, id: string, version: number | undefined): Promise<Stored<PersonState>> {
    const found = await this.find(scope, id);
    if (!found) throw noSuchPerson();
    if (version !== undefined && version !== found.version) throw stale(found.version, version);
    return found;
  }

  /** Which of the organisations are in the subtree (one upward walk each; a person has a handful). */
  private async within(scope: string, organisationIds: readonly string[]): Promise<Set<string>> {
    const inside = new Set<string>();
    for (const id of new Set(organisationIds)) if (await this.tree.containsAny(scope, [id])) inside.add(id);
    return inside;
  }
}
