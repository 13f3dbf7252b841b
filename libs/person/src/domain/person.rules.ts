import { createHash, createHmac } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { STAFETT_CONFIG, type StafettConfig } from '@stafett/config';
import { contractType, entityContracts, type ExternalId, type PersonImportPayload, type Reason, type Reference } from '@stafett/contracts';
import { parsePersonalIdentityNumber, ReasonCode } from '@stafett/domain';
import type { EntityCommand, EntityRules, ForeignReference, ReferenceResolver, Screening, Stored, Validation } from '@stafett/entity-pipeline';
import type { SqlExecutor } from '@stafett/outbox';
import { PersonRepository } from '../database/person.repository';
import { applyPatch, changedFields, mergeMemberships, toContract, type MembershipState, type PersonPatch, type PersonState } from './person.model';
import { validatePersonPayload } from './validate-person';

function normalizedPnr(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  const parsed = parsePersonalIdentityNumber(raw);
  return parsed.ok ? parsed.value.normalized : undefined;
}

/**
 * The keys protected personnummer are remembered under: HMAC-SHA-256 with a secret that is not in
 * the database (STAFETT_PROTECTED_IDENTITY_KEY), so a copy of the database alone cannot test a
 * birth year's numbers against the table. `previous` keys (rotation) and the `legacySalt` (the
 * salted SHA-256 of before, salt in person.setting) are still recognised, and a number found under
 * one of them is re-registered under the current key and its old hash removed, the moment it is met.
 */
export interface ProtectedIdentityKeys {
  readonly current: Buffer;
  readonly previous: readonly Buffer[];
  readonly legacySalt: Buffer | undefined;
}

/** The keys from the config; without a configured key, a development key derived from DATABASE_URL (`derived`). */
export function protectedIdentityKeys(config: StafettConfig, legacySalt: Buffer | undefined): ProtectedIdentityKeys & { derived: boolean } {
  const derived = config.protectedIdentityKey === undefined;
  const dbUrl = new URL(config.databaseUrl);
  dbUrl.password = '';
  const current = derived ? createHmac('sha256', 'stafett development protected-identity key').update(dbUrl.toString()).digest() : Buffer.from(config.protectedIdentityKey, 'utf8');
  return { current, previous: config.protectedIdentityPreviousKeys.map((k) => Buffer.from(k, 'utf8')), legacySalt, derived };
}

/** What the person rules know for a whole batch: which personnummer are protected. */
export class ProtectedIdentities {
  /** Hashes registered by this batch (under the current key), written by `finish`. */
  readonly added: Buffer[] = [];
  /** Hashes under a previous key or the legacy salt, replaced by `added` ones: removed by `finish`. */
  readonly retired: Buffer[] = [];
  private readonly hashes = new Map<string, Buffer[]>();
  /** Hex of the hashes registered as protected. */
  private readonly known = new Set<string>();

  constructor(private readonly keys: ProtectedIdentityKeys) {}

  /** Records which of the batch's hashes the register holds as protected. */
  remember(hexes: Iterable<string>): void {
    for (const h of hexes) this.known.add(h);
  }

  /** HMAC-SHA-256 of the personnummer under the current key. */
  hash(pnr: string): Buffer {
    return this.candidates(pnr)[0];
  }

  /** Every hash the number may be registered under: current key first, then previous keys, then the legacy salted SHA-256. */
  candidates(pnr: string): readonly Buffer[] {
    let list = this.hashes.get(pnr);
    if (!list) {
      const k = this.keys;
      list = [k.current, ...k.previous].map((key) => createHmac('sha256', key).update(pnr).digest());
      if (k.legacySalt) list.push(createHash('sha256').update(k.legacySalt).update(pnr).digest());
      this.hashes.set(pnr, list);
    }
    return list;
  }

  isProtected(pnr: string): boolean {
    if (this.known.size === 0) return false;
    const [current, ...older] = this.candidates(pnr);
    if (this.known.has(current.toString('hex'))) return true;
    const old = older.find((h) => this.known.has(h.toString('hex')));
    if (!old) return false;
    // Met under an old key: re-register under the current one, forget the old hash.
    this.known.delete(old.toString('hex'));
    this.retired.push(old);
    this.protect(pnr);
    return true;
  }

  protect(pnr: string): void {
    const h = this.hash(pnr);
    if (this.known.has(h.toString('hex'))) return;
    this.known.add(h.toString('hex'));
    this.added.push(h);
  }
}

const PROTECTED_MESSAGE = 'The person has a protected identity and is not kept in the register.';

/**
 * The person regelverk on the entity pipeline (DESIGN §3): validation, matching on the
 * personnummer, field-by-field merge, and protected identities (erased, remembered only as an
 * HMAC under a key outside the database, later imports of the number refused).
 */
@Injectable()
export class PersonRules implements EntityRules<PersonState, PersonImportPayload, PersonPatch, ProtectedIdentities> {
  readonly entity = 'person';
  readonly schema = 'person';
  readonly naturalKeyField = 'personalIdentityNumber';
  /** A member of another club joins a club by its member file: through its scoped key only the membership applies. */
  readonly joinFields = ['memberships'] as const;
  readonly contracts = (() => {
    const c = entityContracts('person');
    return {
      importRecord: contractType(c.importRecord),
      changed: contractType(c.changed),
      state: contractType(c.state),
    };
  })();
  private keys: ProtectedIdentityKeys | undefined;
  private readonly log = new Logger('person-rules');

  constructor(
    private readonly repository: PersonRepository,
    @Inject(STAFETT_CONFIG) private readonly config: StafettConfig,
  ) {}

  naturalKeyOf(payload: PersonImportPayload | null): string | undefined {
    return normalizedPnr(payload?.personalIdentityNumber);
  }

  naturalKeyOfReference(ref: Reference): string | undefined {
    return normalizedPnr(ref.personalIdentityNumber);
  }

  naturalKeyOfState(state: PersonState): string | null {
    return state.personalIdentityNumber;
  }

  references(payload: PersonImportPayload | null): readonly Reference[] {
    return payload?.guardians?.map((g) => g.person) ?? [];
  }

  foreignReferences(payload: PersonImportPayload | null): readonly ForeignReference[] {
    return payload?.memberships?.map((m) => ({ entity: 'organisation' as const, ref: m.organisation })) ?? [];
  }

  async prepare(tx: SqlExecutor, commands: readonly EntityCommand<PersonImportPayload>[]): Promise<ProtectedIdentities> {
    if (!this.keys) {
      const keys = protectedIdentityKeys(this.config, await this.repository.protectedIdentitySalt(tx));
      if (keys.derived)
        this.log.warn(
          'STAFETT_PROTECTED_IDENTITY_KEY is not set: protected identities are hashed under a development key derived from DATABASE_URL; set a secret key in production',
        );
      this.keys = keys;
    }
    const identities = new ProtectedIdentities(this.keys);
    // Most registers hold no protected identity: then no number of the batch needs hashing.
    if (!(await this.repository.anyProtected(tx))) return identities;
    const hashes = new Set<Buffer>();
    for (const c of commands) {
      const pnr = normalizedPnr(c.payload?.personalIdentityNumber);
      if (pnr) for (const h of identities.candidates(pnr)) hashes.add(h);
    }
    identities.remember(await this.repository.protectedHashes(tx, [...hashes]));
    return identities;
  }

  screen(c: EntityCommand<PersonImportPayload>, existing: Stored<PersonState> | undefined, identities: ProtectedIdentities): Screening {
    const pnr = normalizedPnr(c.payload?.personalIdentityNumber);
    if (c.payload?.protectedIdentity === true) {
      // Erase, remember the number (hashed), publish nothing personal.
      const number = pnr ?? existing?.state.personalIdentityNumber ?? undefined;
      if (number) identities.protect(number);
      if (!existing)
        return {
          reject: [
            {
              code: ReasonCode.PROTECTED_IDENTITY,
              field: 'protectedIdentity',
              message: PROTECTED_MESSAGE,
            },
          ],
        };
      return { remove: { erase: true } };
    }
    if (pnr && identities.isProtected(pnr))
      return {
        reject: [
          {
            code: ReasonCode.PROTECTED_IDENTITY,
            field: 'personalIdentityNumber',
            message: PROTECTED_MESSAGE,
          },
        ],
      };
    return undefined;
  }

  validate(payload: PersonImportPayload, existing: PersonState | undefined, refs: ReferenceResolver<PersonState>): Validation<PersonPatch> {
    const validated = validatePersonPayload(payload, existing);
    if (validated.errors.length > 0) return { errors: validated.errors };
    const patch = { ...validated.patch };
    if (validated.membershipRefs) {
      const memberships: MembershipState[] = [];
      const unknown: Reason[] = [];
      for (const m of validated.membershipRefs) {
        const organisationId = refs.foreign('organisation', m.organisation);
        if (organisationId) memberships.push({ organisationId, from: m.from, to: m.to });
        else unknown.push({ code: ReasonCode.UNKNOWN_REFERENCE, field: m.field, message: 'No such organisation in the register (by id or by system and external id).' });
      }
      if (unknown.length > 0) return { errors: unknown };
      // Memberships merge per organisation (a club's register speaks for its own members only); with `clearFields: ['memberships']` they replace all.
      patch.memberships = existing && !payload.clearFields?.includes('memberships') ? mergeMemberships(existing.memberships, memberships) : memberships;
    }
    if (validated.guardianRefs) {
      const guardians: { personId: string }[] = [];
      for (const [i, ref] of validated.guardianRefs.entries()) {
        const id = refs.same(ref);
        if (!id)
          return {
            errors: [
              {
                code: ReasonCode.UNKNOWN_REFERENCE,
                field: `guardians[${i}].person`,
                message: 'No such person in the register (by id, external id or personal identity number).',
              },
            ],
          };
        guardians.push({ personId: id });
      }
      patch.guardians = guardians;
    }
    return { patch };
  }

  organisationsOf(state: PersonState): readonly string[] {
    return state.memberships.map((m) => m.organisationId);
  }

  applyPatch(id: string, existing: PersonState | undefined, patch: PersonPatch, externalIds: readonly ExternalId[]): PersonState {
    return applyPatch(id, existing, patch, externalIds);
  }

  changedFields(before: PersonState | undefined, after: PersonState): string[] {
    return changedFields(before, after);
  }

  toContract(state: PersonState): unknown {
    return toContract(state);
  }

  async finish(tx: SqlExecutor, identities: ProtectedIdentities): Promise<void> {
    await this.repository.registerProtected(tx, identities.added);
    await this.repository.forgetProtected(tx, identities.retired);
  }
}
