import { randomUUID } from 'node:crypto';
import type { ChangeOp, Reason, Reference } from '@stafett/contracts';
import { parsePersonalIdentityNumber, ReasonCode } from '@stafett/domain';
import { appendToOutbox, type OutboxMessage, type SqlExecutor } from '@stafett/outbox';
import type { PersonRepository, StoredPerson } from '../database/person.repository';
import { applyPatch, changedFields, toContract, type PersonState } from '../domain/person.model';
import { validatePersonPayload } from '../domain/validate-person';
import type { PersonCommand, PersonOutcome } from './person-commands';
import type { PersonEncoders } from './person-encoders';

const key = (system: string, externalId: string) => `${system}\u0000${externalId}`;

function normalizedPnr(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  const parsed = parsePersonalIdentityNumber(raw);
  return parsed.ok ? parsed.value.normalized : undefined;
}

/**
 * Applies person commands (a batch of import records, or one REST write) in the caller's
 * transaction: validate, match (external-id link, then personnummer, else create), merge field by
 * field, and write the rows, the processed record ids and the outbox (event, state, result) with a
 * handful of set-based statements. Commands are applied in order, so several records about the same
 * person in one batch chain their versions.
 */
export class ApplyPersonCommandsUseCase {
  constructor(
    private readonly repository: PersonRepository,
    private readonly encoders: PersonEncoders,
    private readonly schema = 'person',
  ) {}

  async execute(tx: SqlExecutor, commands: readonly PersonCommand[], now = new Date()): Promise<PersonOutcome[]> {
    const repo = this.repository;
    const processed = await repo.processedRecordIds(tx, commands.map((c) => c.recordId));
    const todo = commands.filter((c) => !processed.has(c.recordId));

    // Everything the batch could match on, looked up at once.
    const linkKeys = todo.filter((c) => c.externalId !== null).map((c) => ({ system: c.source.system, externalId: c.externalId! }));
    const refs = todo.flatMap((c) => c.payload?.guardians?.map((g) => g.person) ?? []);
    for (const r of refs) if (r.system && r.externalId) linkKeys.push({ system: r.system, externalId: r.externalId });
    const pnrs = new Set<string>();
    for (const c of todo) {
      const p = normalizedPnr(c.payload?.personalIdentityNumber);
      if (p) pnrs.add(p);
    }
    for (const r of refs) {
      const p = normalizedPnr(r.personalIdentityNumber);
      if (p) pnrs.add(p);
    }
    // One connection: the statements run one after the other.
    const links = await repo.findIdsByExternalIds(tx, linkKeys);
    const byPnr = await repo.findIdsByPnr(tx, [...pnrs]);
    const protectedSet = await repo.protectedHashes(tx, [...pnrs].map((p) => repo.protectedHash(p)));
    const refIds = await repo.existingIds(tx, refs.flatMap((r) => (r.id ? [r.id] : [])));
    const candidates = [...links.values(), ...byPnr.values(), ...todo.flatMap((c) => (c.targetId ? [c.targetId] : []))];
    const states = await repo.loadForUpdate(tx, candidates);
    const existed = new Set(states.keys());

    const batch = new BatchState(states, links, byPnr, refIds, (p) => protectedSet.has(repo.protectedHash(p).toString('hex')));
    const outbox: OutboxMessage[] = [];
    const outcomes: PersonOutcome[] = [];
    const newlyProtected: Buffer[] = [];
    for (const command of commands) {
      if (processed.has(command.recordId)) {
        outcomes.push({ recordId: command.recordId, outcome: 'UNCHANGED', entityId: null, version: null, reasons: [], duplicate: true });
        continue;
      }
      const applied = this.applyOne(command, batch, newlyProtected);
      outcomes.push(applied.outcome);
      if (applied.change) outbox.push(...this.changeMessages(command, applied.change, now));
      // Import records get their ImportResult on the results topic; a REST write is answered directly.
      if (command.externalId !== null) outbox.push(this.resultMessage(command, applied.outcome));
    }

    await repo.deleteAll(tx, [...batch.deleted]);
    await repo.saveAll(tx, [...batch.dirty].filter((id) => !batch.deleted.has(id)).map((id) => batch.states.get(id)!), existed);
    await repo.markProcessed(tx, todo.map((c) => c.recordId));
    await repo.registerProtected(tx, newlyProtected);
    await appendToOutbox(tx, this.schema, outbox);
    return outcomes;
  }

  private applyOne(c: PersonCommand, b: BatchState, newlyProtected: Buffer[]): { outcome: PersonOutcome; change?: Change } {
    const reject = (...reasons: Reason[]) => ({ outcome: { recordId: c.recordId, outcome: 'REJECTED' as const, entityId: null, version: null, reasons } });
    const payload = c.payload;
    const pnr = normalizedPnr(payload?.personalIdentityNumber);

    // Match: the source's link, then the personnummer; two different candidates is never a guess.
    const linkKey = c.externalId !== null ? key(c.source.system, c.externalId) : undefined;
    const linked = linkKey ? b.links.get(linkKey) : undefined;
    const byPnr = pnr ? b.byPnr.get(pnr) : undefined;
    if (linked && byPnr && linked !== byPnr) {
      return reject({
        code: ReasonCode.AMBIGUOUS_MATCH,
        field: 'personalIdentityNumber',
        message: 'The external id is linked to one person and the personal identity number belongs to another; nothing was merged.',
      });
    }
    const targetId = c.targetId ?? linked ?? byPnr;
    const existing = targetId ? b.states.get(targetId) : undefined;
    if (c.targetId && !existing) return reject({ code: ReasonCode.NOT_FOUND, field: 'id', message: 'No person with this id.' });
    if (existing && c.expectedVersion !== undefined && existing.version !== c.expectedVersion) {
      return reject({ code: ReasonCode.STALE_VERSION, field: 'version', message: `The person is at version ${existing.version}, not ${c.expectedVersion}.` });
    }

    // Protected identity: erase, remember the number (hashed), publish nothing personal.
    if (payload?.protectedIdentity === true) {
      const number = pnr ?? existing?.state.personalIdentityNumber ?? undefined;
      if (number && !b.isProtected(number)) {
        newlyProtected.push(this.repository.protectedHash(number));
        b.protect(number);
      }
      if (!existing) {
        return reject({ code: ReasonCode.PROTECTED_IDENTITY, field: 'protectedIdentity', message: 'The person has a protected identity and is not kept in the register.' });
      }
      return this.remove(c, b, existing, true);
    }
    if (pnr && b.isProtected(pnr)) {
      return reject({ code: ReasonCode.PROTECTED_IDENTITY, field: 'personalIdentityNumber', message: 'The person has a protected identity and is not kept in the register.' });
    }

    if (c.op === 'DELETE' || c.op === 'ERASE') {
      if (!existing) {
        return { outcome: { recordId: c.recordId, outcome: 'UNCHANGED', entityId: null, version: null, reasons: [{ code: ReasonCode.NOT_FOUND, field: null, message: 'No such person; nothing to delete.' }] } };
      }
      return this.remove(c, b, existing, c.op === 'ERASE');
    }
    if (!payload) return reject({ code: ReasonCode.REQUIRED, field: 'payload', message: 'An UPSERT needs a payload.' });

    const validated = validatePersonPayload(payload, existing?.state);
    if (validated.errors.length > 0) return reject(...validated.errors);
    const patch = { ...validated.patch };
    if (validated.guardianRefs) {
      const guardians: { personId: string }[] = [];
      for (const [i, ref] of validated.guardianRefs.entries()) {
        const id = b.resolve(ref);
        if (!id) return reject({ code: ReasonCode.UNKNOWN_REFERENCE, field: `guardians[${i}].person`, message: 'No such person in the register (by id, external id or personal identity number).' });
        guardians.push({ personId: id });
      }
      patch.guardians = guardians;
    }

    const id = existing?.state.id ?? randomUUID();
    const externalIds = [...(existing?.state.externalIds ?? [])];
    if (c.externalId !== null && !externalIds.some((e) => e.system === c.source.system && e.id === c.externalId)) {
      externalIds.push({ system: c.source.system, id: c.externalId });
    }
    const next = applyPatch(id, existing?.state, patch, externalIds);
    if (next.personalIdentityNumber) {
      const holder = b.byPnr.get(next.personalIdentityNumber);
      if (holder && holder !== id) {
        return reject({ code: ReasonCode.AMBIGUOUS_MATCH, field: 'personalIdentityNumber', message: 'The personal identity number already belongs to another person; nothing was merged.' });
      }
    }
    const fields = changedFields(existing?.state, next);
    if (existing && fields.length === 0) {
      return { outcome: { recordId: c.recordId, outcome: 'UNCHANGED', entityId: id, version: existing.version, reasons: [], state: existing.state } };
    }
    const version = (existing?.version ?? 0) + 1;
    b.put({ state: next, version }, existing?.state);
    if (linkKey) b.links.set(linkKey, id);
    return {
      outcome: { recordId: c.recordId, outcome: existing ? 'UPDATED' : 'CREATED', entityId: id, version, reasons: [], state: next },
      change: { op: existing ? 'UPDATE' : 'CREATE', id, version, before: existing?.state ?? null, after: next, fields },
    };
  }

  private remove(c: PersonCommand, b: BatchState, existing: StoredPerson, erase: boolean): { outcome: PersonOutcome; change: Change } {
    const id = existing.state.id;
    const version = existing.version + 1;
    b.remove(existing.state);
    return {
      outcome: { recordId: c.recordId, outcome: 'DELETED', entityId: id, version, reasons: [] },
      // An erasure (GDPR, protected identity) publishes no personal field, not even in `before`.
      change: { op: 'DELETE', id, version, before: erase ? null : existing.state, after: null, fields: [] },
    };
  }

  private changeMessages(c: PersonCommand, ch: Change, now: Date): OutboxMessage[] {
    const e = this.encoders;
    const eventId = randomUUID();
    const event = e.event({
      eventId,
      entityId: ch.id,
      version: ch.version,
      op: ch.op,
      occurredAt: now,
      source: { system: c.source.system, connectorId: c.source.connectorId ?? null, batchId: c.batchId, actor: c.source.actor ?? null },
      correlationId: c.correlationId ?? c.batchId,
      causationId: c.recordId,
      before: ch.before ? toContract(ch.before) : null,
      after: ch.after ? toContract(ch.after) : null,
      changedFields: ch.fields,
    });
    const headers = { 'stafett.entity.version': String(ch.version) };
    return [
      { id: eventId, aggregateType: 'person', aggregateId: ch.id, type: `Person${ch.op}`, topic: e.topics.events, payload: event, headers },
      { aggregateType: 'person', aggregateId: ch.id, type: 'PersonState', topic: e.topics.state, payload: ch.after ? e.state(toContract(ch.after)) : null, headers },
    ];
  }

  private resultMessage(c: PersonCommand, o: PersonOutcome): OutboxMessage {
    return {
      aggregateType: 'person',
      aggregateId: o.entityId ?? c.recordId,
      type: 'ImportResult',
      topic: this.encoders.topics.results,
      key: c.recordId,
      payload: this.encoders.result({
        recordId: c.recordId,
        batchId: c.batchId,
        entityType: 'person',
        externalId: c.externalId ?? o.entityId ?? '',
        outcome: o.outcome,
        entityId: o.entityId,
        version: o.version,
        reasons: o.reasons.map((r) => ({ code: r.code, field: r.field ?? null, message: r.message })),
      }),
    };
  }
}

interface Change {
  readonly op: ChangeOp;
  readonly id: string;
  readonly version: number;
  readonly before: PersonState | null;
  readonly after: PersonState | null;
  readonly fields: string[];
}

/** The batch's working view of the register: loaded rows plus what earlier commands of the batch did. */
class BatchState {
  readonly dirty = new Set<string>();
  readonly deleted = new Set<string>();
  private readonly protectedNow = new Set<string>();

  constructor(
    readonly states: Map<string, StoredPerson>,
    readonly links: Map<string, string>,
    readonly byPnr: Map<string, string>,
    private readonly knownIds: Set<string>,
    private readonly wasProtected: (pnr: string) => boolean,
  ) {}

  isProtected(pnr: string): boolean {
    return this.protectedNow.has(pnr) || this.wasProtected(pnr);
  }

  protect(pnr: string): void {
    this.protectedNow.add(pnr);
  }

  resolve(ref: Reference): string | undefined {
    if (ref.id) return this.states.has(ref.id) || this.knownIds.has(ref.id) ? (this.deleted.has(ref.id) ? undefined : ref.id) : undefined;
    if (ref.system && ref.externalId) return this.links.get(key(ref.system, ref.externalId));
    const pnr = normalizedPnr(ref.personalIdentityNumber);
    return pnr ? this.byPnr.get(pnr) : undefined;
  }

  put(stored: StoredPerson, before: PersonState | undefined): void {
    const id = stored.state.id;
    this.states.set(id, stored);
    this.dirty.add(id);
    this.deleted.delete(id);
    if (before?.personalIdentityNumber && before.personalIdentityNumber !== stored.state.personalIdentityNumber) this.byPnr.delete(before.personalIdentityNumber);
    if (stored.state.personalIdentityNumber) this.byPnr.set(stored.state.personalIdentityNumber, id);
  }

  remove(state: PersonState): void {
    this.states.delete(state.id);
    this.deleted.add(state.id);
    this.dirty.delete(state.id);
    if (state.personalIdentityNumber) this.byPnr.delete(state.personalIdentityNumber);
    for (const e of state.externalIds) this.links.delete(key(e.system, e.id));
  }
}
