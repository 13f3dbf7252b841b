import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { contractType, entityContracts, type ExternalId, type PersonImportPayload, type Reference } from '@stafett/contracts';
import { parsePersonalIdentityNumber, ReasonCode } from '@stafett/domain';
import type { EntityCommand, EntityRules, Screening, Stored, Validation } from '@stafett/entity-pipeline';
import type { SqlExecutor } from '@stafett/outbox';
import { PersonRepository } from '../database/person.repository';
import { applyPatch, changedFields, toContract, type PersonPatch, type PersonState } from './person.model';
import { validatePersonPayload } from './validate-person';

function normalizedPnr(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  const parsed = parsePersonalIdentityNumber(raw);
  return parsed.ok ? parsed.value.normalized : undefined;
}

/** What the person rules know for a whole batch: which personnummer are protected. */
export class ProtectedIdentities {
  /** Hashes registered by this batch, written by `finish`. */
  readonly added: Buffer[] = [];
  private readonly hashes = new Map<string, Buffer>();
  /** Hex of the hashes registered as protected. */
  private readonly known = new Set<string>();

  constructor(private readonly salt: Buffer) {}

  /** Records which of the batch's hashes the register holds as protected. */
  remember(hexes: Iterable<string>): void {
    for (const h of hexes) this.known.add(h);
  }

  /** SHA-256 of the installation's salt and the personnummer, computed once per number and batch. */
  hash(pnr: string): Buffer {
    let h = this.hashes.get(pnr);
    if (!h) this.hashes.set(pnr, (h = createHash('sha256').update(this.salt).update(pnr).digest()));
    return h;
  }

  isProtected(pnr: string): boolean {
    return this.known.size > 0 && this.known.has(this.hash(pnr).toString('hex'));
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
 * personnummer, field-by-field merge, and protected identities (erased, remembered only as a
 * salted hash, later imports of the number refused).
 */
@Injectable()
export class PersonRules implements EntityRules<PersonState, PersonImportPayload, PersonPatch, ProtectedIdentities> {
  readonly entity = 'person';
  readonly schema = 'person';
  readonly naturalKeyField = 'personalIdentityNumber';
  readonly contracts = (() => {
    const c = entityContracts('person');
    return {
      importRecord: contractType(c.importRecord),
      changed: contractType(c.changed),
      state: contractType(c.state),
    };
  })();
  private salt: Buffer | undefined;

  constructor(private readonly repository: PersonRepository) {}

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

  async prepare(tx: SqlExecutor, commands: readonly EntityCommand<PersonImportPayload>[]): Promise<ProtectedIdentities> {
    this.salt ??= await this.repository.protectedIdentitySalt(tx);
    const identities = new ProtectedIdentities(this.salt);
    // Most registers hold no protected identity: then no number of the batch needs hashing.
    if (!(await this.repository.anyProtected(tx))) return identities;
    const hashes = new Set<Buffer>();
    for (const c of commands) {
      const pnr = normalizedPnr(c.payload?.personalIdentityNumber);
      if (pnr) hashes.add(identities.hash(pnr));
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

  validate(payload: PersonImportPayload, existing: PersonState | undefined, resolve: (ref: Reference) => string | undefined): Validation<PersonPatch> {
    const validated = validatePersonPayload(payload, existing);
    if (validated.errors.length > 0) return { errors: validated.errors };
    const patch = { ...validated.patch };
    if (validated.guardianRefs) {
      const guardians: { personId: string }[] = [];
      for (const [i, ref] of validated.guardianRefs.entries()) {
        const id = resolve(ref);
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
  }
}
