import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type avro from 'avsc';
import type { ChangeOp, ExternalId, ImportOutcome, Reason, Reference } from '@stafett/contracts';
import { ReasonCode } from '@stafett/domain';
import { TransientError } from '@stafett/kafka';
import { appendToOutbox, OutboxBatch, type SqlExecutor } from '@stafett/outbox';
import { linkKey } from '../database/entity-links';
import type { EntityStore } from '../database/entity-store';
import type { EntityCommand, EntityOutcome } from '../domain/entity-command';
import type { EntityRules, EntityState, KnownEntity, ReferenceResolver, Stored } from '../domain/entity-rules.port';
import type { EntityEncoders } from './entity-encoders';
import type { ParkingLot, ParkRequest } from '../references/parking-lot';
import type { ReferenceProjection } from '../references/reference-projection';
import type { OrganisationTree } from '../references/organisation-tree';
import { foreignNaturalKeyOf, idKey, isUuid, linkRefKey, type ReferenceKeys } from '../references/reference-keys';
import { AgreementBook, type EntityFieldPolicy, type FieldOwner } from '../agreements/agreement-book';
import { screenFields } from '../agreements/field-ownership';

/** What the parking of records with unknown references needs. */
export interface ReferenceSupport {
  readonly projection: ReferenceProjection;
  readonly parking: ParkingLot;
  readonly tree: OrganisationTree;
  /** How long a record waits for a missing reference before UNKNOWN_REFERENCE. */
  readonly waitMs: number;
  /** Called when records were woken (their keys appeared): the retrier runs at once. */
  readonly onWoken?: () => void;
}

/** How a batch is run: records coming back from the parking lot, and those whose wait is over. */
export interface ExecuteOptions {
  /** Parked records being retried (their own parked rows do not hold them back). */
  readonly woken?: ReadonlySet<string>;
  /** Records whose wait is over: an unknown reference now rejects them. */
  readonly final?: ReadonlySet<string>;
}

/** The agreements' field policy of a batch, and the organisation subtrees of the owners it names. */
interface BatchOwnership {
  readonly policy: EntityFieldPolicy;
  readonly subtrees: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Import records (and anything a connector sends) are subject to the agreements; REST writes and the platform's own commands are not. */
const subjectToAgreements = (c: EntityCommand<unknown>): boolean => c.externalId !== null || !!c.source.connectorId;

interface Change<S> {
  readonly op: ChangeOp;
  readonly id: string;
  readonly version: number;
  readonly before: S | null;
  readonly after: S | null;
  readonly fields: string[];
}

/**
 * The generic apply skeleton, in the caller's transaction: match (external-id link, then natural
 * key, else create; two candidates → AMBIGUOUS_MATCH), lock and load, let the domain's rules
 * screen, validate and patch, detect UNCHANGED, bump the version, and write the rows and one outbox
 * row per record (event + state + result) with a handful of set-based statements whatever the
 * batch size. Commands apply in order: several records about one entity chain their versions.
 */
export class ApplyEntityCommands<S extends EntityState, P, Patch, C> {
  /** Payload field → the contract field it writes (`organisation` → `organisationId`), or undefined. */
  private readonly contractFields = new Map<string, string | undefined>();
  private readonly stateFields: ReadonlySet<string>;

  constructor(
    private readonly rules: EntityRules<S, P, Patch, C>,
    private readonly store: EntityStore<S>,
    private readonly encoders: EntityEncoders,
    private readonly references: ReferenceSupport,
    private readonly agreements: AgreementBook = AgreementBook.none(),
  ) {
    const state = rules.contracts.state as avro.types.RecordType;
    this.stateFields = new Set((state.fields ?? []).map((f) => f.name).filter((n) => n !== 'id' && n !== 'externalIds'));
  }

  /** The contract field a payload field writes: the same name, or the name + `Id` for a reference (`group` → `groupId`). */
  private readonly contractFieldOf = (field: string): string | undefined => {
    if (this.contractFields.has(field)) return this.contractFields.get(field);
    const name = this.stateFields.has(field) ? field : this.stateFields.has(`${field}Id`) ? `${field}Id` : undefined;
    this.contractFields.set(field, name);
    return name;
  };

  async execute(tx: SqlExecutor, commands: readonly EntityCommand<P>[], now = new Date(), options: ExecuteOptions = {}): Promise<EntityOutcome<S>[]> {
    const rules = this.rules;
    const { projection, parking, tree } = this.references;
    // Everything the batch could match on, looked up at once.
    const linkKeys: { system: string; externalId: string }[] = [];
    const naturalKeys = new Set<string>();
    const refs: Reference[] = [];
    for (const c of commands) {
      if (c.externalId !== null) linkKeys.push({ system: c.source.system, externalId: c.externalId });
      const key = rules.naturalKeyOf(c.payload);
      if (key) naturalKeys.add(key);
      for (const r of rules.references(c.payload)) {
        refs.push(r);
        if (r.system && r.externalId) linkKeys.push({ system: r.system, externalId: r.externalId });
        const refKey = rules.naturalKeyOfReference(r);
        if (refKey) naturalKeys.add(refKey);
      }
    }
    // One connection: the statements run one after the other.
    const { repository, links: entityLinks } = this.store;
    const links = await entityLinks.find(tx, linkKeys);
    const byKey = await repository.findIdsByNaturalKey(tx, [...naturalKeys]);
    const refIds = await repository.existingIds(
      tx,
      refs.flatMap((r) => (r.id ? [r.id] : [])),
    );
    const foreignRefs = rules.foreignReferences ? commands.flatMap((c) => rules.foreignReferences!(c.payload)) : [];
    const known = foreignRefs.length > 0 ? await projection.lookup(tx, foreignRefs) : new Map<string, KnownEntity>();
    const candidates = [...links.values(), ...byKey.values(), ...commands.flatMap((c) => (c.targetId ? [c.targetId] : []))];
    const states = await this.store.load(tx, candidates, true);
    if (candidates.length > 0) {
      // The matches were read before the row locks: a transaction that held them may have moved a
      // key or a link, or deleted the holder. Read them again under the locks; if anything moved,
      // retry the whole batch (rare: only under concurrent changes of the same entities).
      const [linksNow, byKeyNow] = [await entityLinks.find(tx, linkKeys), await repository.findIdsByNaturalKey(tx, [...naturalKeys])];
      if (!sameEntries(links, linksNow) || !sameEntries(byKey, byKeyNow)) {
        throw new TransientError('MATCH_MOVED', `a concurrent change moved a match of this ${rules.entity} batch; retrying it`);
      }
    }
    // After the locks: what the rules read for the batch (e.g. protected identities) is current.
    const context = await rules.prepare(tx, commands);
    // Organisation-scoped keys: each scope's subtree, once per batch.
    const subtrees = new Map<string, Set<string>>();
    for (const c of commands) if (c.scope && !subtrees.has(c.scope)) subtrees.set(c.scope, new Set(await tree.subtree(c.scope, tx)));
    // Integration agreements: one map lookup when none concerns this entity, else the owners' subtrees in one query.
    const ownership = await this.ownershipOf(tx, commands);
    // Import records of a source id with a parked record wait behind it (a source's records apply in order).
    const imports = commands.filter((c) => c.externalId !== null);
    // Asked for REST writes too: a create by REST wakes the records waiting for it.
    const anyParked = await parking.any(tx);
    const blocked =
      anyParked && imports.length > 0
        ? await parking.parkedLinks(
            tx,
            imports.map((c) => ({ system: c.source.system, externalId: c.externalId! })),
            [...(options.woken ?? [])],
          )
        : new Set<string>();
    // Scoped records resolve only what their key may see: the same-kind entities they reference are
    // loaded (without locks) so their organisations can be checked.
    const refStates =
      subtrees.size > 0
        ? await this.store.load(
            tx,
            refs.flatMap((r) => {
              const key = r.system || r.externalId || r.id ? undefined : rules.naturalKeyOfReference(r);
              const id = r.id ?? (r.system && r.externalId ? links.get(linkKey(r.system, r.externalId)) : key ? byKey.get(key) : undefined);
              return id && isUuid(id) && !states.has(id) ? [id] : [];
            }),
            false,
          )
        : new Map<string, Stored<S>>();
    const toPark: ParkRequest[] = [];
    const loadedLinks = new Map([...states].map(([id, s]) => [id, s.state.externalIds]));

    const batch = new BatchView<S>(
      rules.entity,
      states,
      links,
      byKey,
      refIds,
      known,
      (r) => rules.naturalKeyOfReference(r),
      (s) => rules.naturalKeyOfState(s),
      (s) => rules.organisationsOf(s),
      refStates,
      this.references.projection.keys,
    );
    const outbox = new OutboxBatch();
    const outcomes: EntityOutcome<S>[] = [];
    // The entities written, whose reference keys wake the records parked for them: the keys (a keyed
    // hash of the natural key among them) are worked out only when a record is parked.
    const written: S[] = [];
    for (const command of commands) {
      const link = command.externalId !== null ? linkKey(command.source.system, command.externalId) : undefined;
      const final = options.final?.has(command.recordId) === true;
      if (link && !final && blocked.has(link)) {
        toPark.push(this.parkRequest(command, [], now));
        outcomes.push(parkedOutcome(command));
        continue;
      }
      batch.misses.length = 0;
      batch.subtree = command.scope ? subtrees.get(command.scope) : undefined;
      const applied = this.applyOne(command, batch, context, command.scope ? subtrees.get(command.scope) : undefined, ownership);
      if (link && !final && applied.outcome.outcome === 'REJECTED' && batch.misses.length > 0 && applied.outcome.reasons.every((r) => r.code === ReasonCode.UNKNOWN_REFERENCE)) {
        toPark.push(this.parkRequest(command, [...batch.misses], now));
        blocked.add(link);
        outcomes.push(parkedOutcome(command));
        continue;
      }
      if (applied.change?.after) written.push(applied.change.after);
      outcomes.push(applied.outcome);
      // Import records get their ImportResult on the results topic; a REST write is answered directly.
      const result = command.externalId !== null;
      if (!applied.change && !result) continue;
      outbox.begin(applied.outcome.entityId ?? command.recordId);
      if (applied.change) this.changeMessages(outbox, command, applied.change, now);
      if (result) this.resultMessage(outbox, command, applied.outcome);
      outbox.end();
    }

    const deleted = [...batch.deleted].filter((id) => loadedLinks.has(id));
    await repository.deleteAll(tx, deleted);
    await entityLinks.deleteOf(tx, deleted);
    const saved = [...batch.dirty].filter((id) => !batch.deleted.has(id)).map((id) => batch.states.get(id)!);
    const existed = new Set(loadedLinks.keys());
    await repository.saveAll(tx, saved, existed);
    await entityLinks.add(
      tx,
      saved.map((s) => ({
        id: s.state.id,
        externalIds: s.state.externalIds,
        before: existed.has(s.state.id) ? (loadedLinks.get(s.state.id) ?? []) : [],
      })),
    );
    await rules.finish?.(tx, context);
    await appendToOutbox(tx, rules.schema, outbox);
    await parking.park(tx, toPark, this.references.waitMs);
    if ((anyParked || toPark.length > 0) && written.length > 0 && (await parking.wake(tx, written.flatMap((s) => this.keysOf(s)))) > 0) this.references.onWoken?.();
    return outcomes;
  }

  /** The batch's agreement policy for this entity and its owners' subtrees; undefined when no agreement concerns the batch. */
  private async ownershipOf(tx: SqlExecutor, commands: readonly EntityCommand<P>[]): Promise<BatchOwnership | undefined> {
    const policy = this.agreements.policy(this.rules.entity);
    if (!policy || (policy.owners.size === 0 && policy.allowed.size === 0) || !commands.some(subjectToAgreements)) return undefined;
    const roots = new Set<string>();
    for (const owners of policy.owners.values()) for (const o of owners) if (isUuid(o.organisationId)) roots.add(o.organisationId.toLowerCase());
    const subtrees = roots.size > 0 ? await this.references.tree.subtrees([...roots], tx) : new Map<string, Set<string>>();
    return { policy, subtrees };
  }

  /** Whether an owner's agreement reaches an entity of these organisations (undefined: not known, so it does). */
  private reaches(owner: FieldOwner, organisations: readonly string[] | undefined, subtrees: ReadonlyMap<string, ReadonlySet<string>>): boolean {
    if (organisations === undefined) return true;
    const root = owner.organisationId.toLowerCase();
    const subtree = subtrees.get(root);
    return organisations.some((o) => (subtree ? subtree.has(o) : o === root));
  }

  private inScope(state: S, subtree: ReadonlySet<string>): boolean {
    return this.rules.organisationsOf(state).some((o) => subtree.has(o));
  }

  private outOfScope(): Reason {
    return { code: ReasonCode.OUT_OF_SCOPE, field: null, message: `The ${this.rules.entity} is not within the organisation the API key is bound to.` };
  }

  /** The reference keys under which records parked for this entity wait (its id, links and natural key). */
  private keysOf(state: S): string[] {
    const entity = this.rules.entity;
    const keys = [idKey(entity, state.id)];
    for (const e of state.externalIds) keys.push(linkRefKey(entity, e.system, e.id));
    const natural = this.rules.naturalKeyOfState(state);
    if (natural) keys.push(this.references.projection.keys.natural(entity, natural));
    return keys;
  }

  /** The record as it is kept in the lot: Avro with the entity's ImportRecord schema. */
  private parkRequest(c: EntityCommand<P>, refKeys: string[], now: Date): ParkRequest {
    const record = {
      recordId: c.recordId,
      batchId: c.batchId,
      source: { system: c.source.system, connectorId: c.source.connectorId ?? null },
      externalId: c.externalId!,
      op: c.op === 'DELETE' ? 'DELETE' : 'UPSERT',
      receivedAt: now,
      payload: c.payload,
    };
    return {
      recordId: c.recordId,
      system: c.source.system,
      externalId: c.externalId!,
      record: this.rules.contracts.importRecord.toBuffer(record),
      scope: c.scope ?? null,
      refKeys,
    };
  }

  private applyOne(
    c: EntityCommand<P>,
    b: BatchView<S>,
    context: C,
    subtree: ReadonlySet<string> | undefined,
    ownership: BatchOwnership | undefined,
  ): { outcome: EntityOutcome<S>; change?: Change<S> } {
    const rules = this.rules;
    const reject = (...reasons: Reason[]) => ({
      outcome: {
        recordId: c.recordId,
        outcome: 'REJECTED' as const,
        entityId: null,
        version: null,
        reasons,
      },
    });
    const naturalKey = rules.naturalKeyOf(c.payload);

    // Match: the source's link, then the natural key; two different candidates is never a guess.
    const link = c.externalId !== null ? linkKey(c.source.system, c.externalId) : undefined;
    const linked = link ? b.links.get(link) : undefined;
    const byKey = naturalKey ? b.byKey.get(naturalKey) : undefined;
    if (linked && byKey && linked !== byKey) {
      return reject({
        code: ReasonCode.AMBIGUOUS_MATCH,
        field: rules.naturalKeyField,
        message: `The external id is linked to one ${rules.entity} and the ${rules.naturalKeyField} belongs to another; nothing was merged.`,
      });
    }
    const targetId = c.targetId ?? linked ?? byKey;
    const existing = targetId ? b.states.get(targetId) : undefined;
    // A scoped key sees nothing outside its subtree: an entity there is as good as absent, unless an
    // import joins it by its natural key (a member of another club joining this one: join fields only).
    let joining = false;
    if (existing && subtree && !this.inScope(existing.state, subtree)) {
      const joinable = rules.joinFields !== undefined && c.op === 'UPSERT' && !c.targetId && c.expectedVersion === undefined && !linked && byKey === existing.state.id;
      if (!joinable) return reject(this.outOfScope());
      joining = true;
    }
    if (c.targetId && !existing)
      return reject({
        code: ReasonCode.NOT_FOUND,
        field: 'id',
        message: `No ${rules.entity} with this id.`,
      });
    if (existing && c.expectedVersion !== undefined && existing.version !== c.expectedVersion) {
      return reject({
        code: ReasonCode.STALE_VERSION,
        field: 'version',
        message: `The ${rules.entity} is at version ${existing.version}, not ${c.expectedVersion}.`,
      });
    }

    const screened = rules.screen?.(c, existing, context);
    if (screened && 'reject' in screened) return reject(...screened.reject);
    if (screened) {
      if (existing) return this.remove(c, b, existing, screened.remove.erase);
      return {
        outcome: {
          recordId: c.recordId,
          outcome: 'UNCHANGED',
          entityId: null,
          version: null,
          reasons: [{ code: ReasonCode.NOT_FOUND, field: null, message: `No such ${rules.entity}; nothing to remove.` }],
        },
      };
    }

    if (c.op === 'DELETE' || c.op === 'ERASE') {
      if (!existing) {
        return {
          outcome: {
            recordId: c.recordId,
            outcome: 'UNCHANGED',
            entityId: null,
            version: null,
            reasons: [
              {
                code: ReasonCode.NOT_FOUND,
                field: null,
                message: `No such ${rules.entity}; nothing to delete.`,
              },
            ],
          },
        };
      }
      return this.remove(c, b, existing, c.op === 'ERASE');
    }
    if (!c.payload)
      return reject({
        code: ReasonCode.REQUIRED,
        field: 'payload',
        message: 'An UPSERT needs a payload.',
      });

    // Field ownership of the integration agreements: what this source may not write is dropped, with a warning each.
    let payload: P = c.payload;
    let warnings: readonly Reason[] = [];
    if (ownership && subjectToAgreements(c)) {
      let organisations: { of: readonly string[] | undefined } | undefined;
      const organisationsOf = () => (organisations ??= { of: existing ? rules.organisationsOf(existing.state) : this.placement(c.payload!, b, context) }).of;
      const screenedFields = screenFields<P>({
        policy: ownership.policy,
        source: c.source,
        payload: c.payload,
        contractFieldOf: this.contractFieldOf,
        // The natural key the record matched by (or creates the entity with) is its identity, not a write.
        exempt: naturalKey !== undefined && (!existing || naturalKey === rules.naturalKeyOfState(existing.state)) ? rules.naturalKeyField : undefined,
        reaches: (owner) => this.reaches(owner, organisationsOf(), ownership.subtrees),
      });
      if (screenedFields) {
        warnings = screenedFields.reasons;
        if (!screenedFields.writesAnything) {
          return {
            outcome: {
              recordId: c.recordId,
              outcome: 'UNCHANGED',
              entityId: existing?.state.id ?? null,
              version: existing?.version ?? null,
              reasons: warnings,
              ...(existing ? { state: existing.state } : {}),
            },
          };
        }
        payload = screenedFields.payload;
      }
    }
    if (joining && payload) {
      const joined = joinOnly(payload, new Set([...(rules.joinFields ?? []), rules.naturalKeyField]), rules.entity);
      payload = joined.payload;
      warnings = [...warnings, ...joined.reasons];
    }

    const validated = rules.validate(payload, existing?.state, b.resolver, context);
    if (validated.errors) return reject(...validated.errors);

    // A new entity's id is a UUIDv7 (RFC 9562: time-ordered): every index keyed by entity id, in this
    // service and in every projection of it, grows at its right edge instead of at random pages,
    // so an import into a large register touches (and WAL-logs) few pages.
    const id = existing?.state.id ?? uuidv7();
    let externalIds: readonly ExternalId[] = existing?.state.externalIds ?? [];
    if (c.externalId !== null && !externalIds.some((e) => e.system === c.source.system && e.id === c.externalId)) {
      externalIds = [...externalIds, { system: c.source.system, id: c.externalId }];
    }
    const next = rules.applyPatch(id, existing?.state, validated.patch, externalIds);
    if (subtree && !this.inScope(next, subtree)) return reject(this.outOfScope());
    const nextKey = rules.naturalKeyOfState(next);
    if (nextKey) {
      const holder = b.byKey.get(nextKey);
      if (holder && holder !== id) {
        return reject({
          code: ReasonCode.AMBIGUOUS_MATCH,
          field: rules.naturalKeyField,
          message: `The ${rules.naturalKeyField} already belongs to another ${rules.entity}; nothing was merged.`,
        });
      }
    }
    const fields = rules.changedFields(existing?.state, next);
    if (existing && fields.length === 0) {
      return {
        outcome: {
          recordId: c.recordId,
          outcome: 'UNCHANGED',
          entityId: id,
          version: existing.version,
          reasons: warnings,
          state: existing.state,
        },
      };
    }
    const version = (existing?.version ?? 0) + 1;
    b.put({ state: next, version }, existing?.state);
    if (link) b.links.set(link, id);
    return {
      outcome: {
        recordId: c.recordId,
        outcome: existing ? 'UPDATED' : 'CREATED',
        entityId: id,
        version,
        reasons: warnings,
        state: next,
      },
      change: {
        op: existing ? 'UPDATE' : 'CREATE',
        id,
        version,
        before: existing?.state ?? null,
        after: next,
        fields,
      },
    };
  }

  /**
   * The organisations a record would create its entity in (its full payload, validated and patched on
   * trial), so that an owner's ownership reaches a new entity of its subtree. Undefined when the full
   * payload does not validate: then every owner's ownership applies.
   */
  private placement(payload: P, b: BatchView<S>, context: C): readonly string[] | undefined {
    const trial = this.rules.validate(payload, undefined, b.resolver, context);
    // The trial's unresolved references are not the record's (its real validation follows).
    b.misses.length = 0;
    if (trial.errors) return undefined;
    return this.rules.organisationsOf(this.rules.applyPatch(TRIAL_ID, undefined, trial.patch, []));
  }

  private remove(c: EntityCommand<P>, b: BatchView<S>, existing: Stored<S>, erase: boolean): { outcome: EntityOutcome<S>; change: Change<S> } {
    const id = existing.state.id;
    const version = existing.version + 1;
    b.remove(existing.state);
    return {
      outcome: {
        recordId: c.recordId,
        outcome: 'DELETED',
        entityId: id,
        version,
        reasons: [],
      },
      // An erasure (GDPR, protected identity) publishes no field, not even in `before`.
      change: {
        op: 'DELETE',
        id,
        version,
        before: erase ? null : existing.state,
        after: null,
        fields: [],
      },
    };
  }

  /** The change event and the new state (or a tombstone), encoded straight into the outbox row. */
  private changeMessages(out: OutboxBatch, c: EntityCommand<P>, ch: Change<S>, now: Date): void {
    const e = this.encoders;
    const eventId = randomUUID();
    const after = ch.after ? this.rules.toContract(ch.after) : null;
    const event = {
      eventId,
      entityId: ch.id,
      version: ch.version,
      op: ch.op,
      occurredAt: now,
      source: { system: c.source.system, connectorId: c.source.connectorId ?? null, batchId: c.batchId, actor: c.source.actor ?? null },
      correlationId: c.correlationId ?? c.batchId,
      causationId: c.recordId,
      before: ch.before ? this.rules.toContract(ch.before) : null,
      after,
      changedFields: ch.fields,
    };
    const version = String(ch.version);
    out.message(e.topics.events, ch.id, (b, p) => e.event.into(event, b, p), { id: eventId, 'stafett.entity.version': version });
    out.message(e.topics.state, ch.id, after === null ? null : (b, p) => e.state.into(after, b, p), { id: randomUUID(), 'stafett.entity.version': version });
  }

  private resultMessage(out: OutboxBatch, c: EntityCommand<P>, o: EntityOutcome<S>): void {
    const result = {
      recordId: c.recordId,
      batchId: c.batchId,
      entityType: this.rules.entity,
      externalId: c.externalId ?? o.entityId ?? '',
      outcome: o.outcome as ImportOutcome,
      entityId: o.entityId,
      version: o.version,
      reasons: o.reasons.map((r) => ({ code: r.code, field: r.field ?? null, message: r.message })),
    };
    out.message(this.encoders.topics.results, c.recordId, (b, p) => this.encoders.result.into(result, b, p), { id: randomUUID() });
  }
}

/** The id of an entity created on trial only (never stored). */
const TRIAL_ID = '00000000-0000-0000-0000-000000000000';

const parkedOutcome = <S>(c: EntityCommand<unknown>): EntityOutcome<S> => ({ recordId: c.recordId, outcome: 'PARKED', entityId: null, version: null, reasons: [] });

const sameEntries = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

/** The batch's working view of the register: loaded rows plus what earlier commands of the batch did. */
class BatchView<S extends EntityState> {
  readonly dirty = new Set<string>();
  readonly deleted = new Set<string>();
  /** The reference keys the current command looked for and did not find (what would wake it). */
  readonly misses: string[] = [];

  constructor(
    private readonly entity: string,
    readonly states: Map<string, Stored<S>>,
    readonly links: Map<string, string>,
    readonly byKey: Map<string, string>,
    private readonly knownIds: Set<string>,
    private readonly known: ReadonlyMap<string, KnownEntity>,
    private readonly keyOfRef: (ref: Reference) => string | undefined,
    private readonly keyOf: (state: S) => string | null,
    private readonly organisationsOf: (state: S) => readonly string[],
    private readonly refStates: ReadonlyMap<string, Stored<S>>,
    private readonly refKeys: ReferenceKeys,
  ) {}

  /** The subtree of the current command's key (undefined: global). */
  subtree: ReadonlySet<string> | undefined;

  /** Whether the current command's key may see a same-kind entity (outside its subtree it is as good as absent). */
  private visible(id: string): boolean {
    // An organisation in the subtree is visible itself (ids of other kinds never match an organisation's).
    if (!this.subtree || this.subtree.has(id)) return true;
    const state = this.states.get(id)?.state ?? this.refStates.get(id)?.state;
    return state !== undefined && this.organisationsOf(state).some((o) => this.subtree!.has(o));
  }

  /**
   * Whether the current command's key may see a foreign person, group or activity (one of its
   * organisations in the subtree). Organisations are not filtered here: where the entity is placed
   * is checked on the result (OUT_OF_SCOPE).
   */
  private visibleForeign(found: KnownEntity): boolean {
    if (!this.subtree || found.entity === 'organisation') return true;
    return found.organisationIds.some((o) => this.subtree!.has(o));
  }

  /** What the rules resolve references with (one object per batch). */
  readonly resolver: ReferenceResolver<S> = {
    same: (ref) => {
      const resolved = this.resolve(ref);
      const id = resolved && this.visible(resolved) ? resolved : undefined;
      if (!id) this.miss(this.refKeys.of(this.entity, ref, this.keyOfRef));
      return id;
    },
    foreign: (entity, ref) => {
      const key = this.refKeys.of(entity, ref, (r) => foreignNaturalKeyOf(entity, r));
      const hit = key ? this.known.get(key) : undefined;
      const found = hit && this.visibleForeign(hit) ? hit : undefined;
      if (!found) this.miss(key);
      return found?.id;
    },
    state: (id) => (this.deleted.has(id) ? undefined : this.states.get(id)?.state),
    known: (entity, id) => this.known.get(idKey(entity, id)),
  };

  private miss(key: string | undefined): void {
    if (key) this.misses.push(key);
  }

  resolve(ref: Reference): string | undefined {
    if (ref.id) return (this.states.has(ref.id) || this.knownIds.has(ref.id)) && !this.deleted.has(ref.id) ? ref.id : undefined;
    if (ref.system && ref.externalId) return this.links.get(linkKey(ref.system, ref.externalId));
    const key = this.keyOfRef(ref);
    return key ? this.byKey.get(key) : undefined;
  }

  put(stored: Stored<S>, before: S | undefined): void {
    const id = stored.state.id;
    this.states.set(id, stored);
    this.dirty.add(id);
    this.deleted.delete(id);
    const oldKey = before ? this.keyOf(before) : null;
    const newKey = this.keyOf(stored.state);
    if (oldKey && oldKey !== newKey) this.byKey.delete(oldKey);
    if (newKey) this.byKey.set(newKey, id);
  }

  remove(state: S): void {
    this.states.delete(state.id);
    this.deleted.add(state.id);
    this.dirty.delete(state.id);
    const key = this.keyOf(state);
    if (key) this.byKey.delete(key);
    for (const e of state.externalIds) this.links.delete(linkKey(e.system, e.id));
  }
}

/**
 * The payload of a scoped import that joins an entity outside its subtree: only the join fields (and
 * the natural key it matched by) are kept, every other given field and every `clearFields` entry is
 * dropped with FIELD_OUTSIDE_SCOPE (clearing would take away what the other organisations keep).
 */
function joinOnly<P>(payload: P, keep: ReadonlySet<string>, entity: string): { payload: P; reasons: Reason[] } {
  const record = payload as Record<string, unknown>;
  const reasons: Reason[] = [];
  const trimmed: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) {
    if (field === 'clearFields') {
      const entries = Array.isArray(value) ? value : [];
      for (const entry of entries) reasons.push({ code: ReasonCode.FIELD_OUTSIDE_SCOPE, field: String(entry), message: `Not cleared: the ${entity} belongs to organisations outside the API key's; only ${[...keep].join(', ')} can be given.` });
      trimmed[field] = [];
    } else if (value === null || value === undefined || keep.has(field)) trimmed[field] = value;
    else {
      trimmed[field] = null;
      reasons.push({ code: ReasonCode.FIELD_OUTSIDE_SCOPE, field, message: `Not changed: the ${entity} belongs to organisations outside the API key's; only ${[...keep].join(', ')} can be given.` });
    }
  }
  return { payload: trimmed as P, reasons };
}
