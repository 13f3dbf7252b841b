import type { ConnectorAgreement } from '@stafett/contracts';

/** One connector's ownership of some fields of an entity (from its agreement). */
export interface FieldOwner {
  readonly connectorId: string;
  /** The agreement's `sourceSystem`: records without a connector id from this system count as the owner's own. */
  readonly sourceSystem: string;
  /** The agreement's organisation: the ownership reaches the entities of its subtree. */
  readonly organisationId: string;
}

/**
 * What the agreements say about one entity, rebuilt whenever an agreement changes and read as it
 * is on the hot path (one map lookup per payload field).
 */
export interface EntityFieldPolicy {
  /** Contract field → the connectors whose agreements own it (sorted by connector id). */
  readonly owners: ReadonlyMap<string, readonly FieldOwner[]>;
  /**
   * Connector id → the contract fields its agreement lets it write for this entity. Absent: the
   * agreement does not restrict it (its `fields` is empty: all). An agreement that does not name the
   * entity at all lets its connector write none of its fields.
   */
  readonly allowed: ReadonlyMap<string, ReadonlySet<string>>;
}

/** What applying one record of the connectors topic did. */
export type AgreementChange = 'added' | 'revised' | 'removed' | 'unchanged' | 'stale';

/** A field as an agreement names it, as one contract field: `address.city` and `memberships[0]` count as `address` and `memberships`. */
export function contractFieldName(name: string): string {
  const cut = name.search(/[.[]/);
  return (cut < 0 ? name : name.slice(0, cut)).trim();
}

/**
 * The integration agreements this process knows (`stafett.connectors.v1`, compacted: key connector
 * id, a tombstone removes the connector), in memory: agreements are few. The
 * `AgreementBookFollower` fills it from the beginning of the topic and keeps following it;
 * `loaded` turns true once it has read what the topic held when it started (the import consumer
 * waits for that before applying anything).
 */
export class AgreementBook {
  private readonly agreements = new Map<string, ConnectorAgreement>();
  private policies = new Map<string, EntityFieldPolicy>();
  /** The policy of an entity no agreement names: every connector with an agreement may write none of it. */
  private unnamed: EntityFieldPolicy | undefined;
  private isLoaded = false;
  /** The policies are rebuilt when next asked for, not per record of the topic (a load of many is linear). */
  private stale = false;
  private readonly waiting: (() => void)[] = [];

  /** A book without agreements that follows nothing (loaded from the start). */
  static none(): AgreementBook {
    const book = new AgreementBook();
    book.markLoaded();
    return book;
  }

  /** Whether the book holds what the topic held when this process started following it. */
  get loaded(): boolean {
    return this.isLoaded;
  }

  get size(): number {
    return this.agreements.size;
  }

  get(connectorId: string): ConnectorAgreement | undefined {
    return this.agreements.get(connectorId);
  }

  list(): ConnectorAgreement[] {
    return [...this.agreements.values()];
  }

  /**
   * The current policy of an entity, or undefined when no agreement restricts it (then nothing is
   * checked). The object is never changed afterwards: a batch reads one consistent policy.
   */
  policy(entity: string): EntityFieldPolicy | undefined {
    if (this.stale) this.rebuild();
    return this.policies.get(entity) ?? this.unnamed;
  }

  /**
   * An agreement from the topic (the latest of its connector). A revision lower than the one held
   * is ignored (`stale`): a late or replayed copy never undoes a newer one.
   */
  put(agreement: ConnectorAgreement): AgreementChange {
    const held = this.agreements.get(agreement.connectorId);
    if (held && Number(agreement.revision) < Number(held.revision)) return 'stale';
    this.agreements.set(agreement.connectorId, agreement);
    this.stale = true;
    if (!held) return 'added';
    return Number(agreement.revision) === Number(held.revision) ? 'unchanged' : 'revised';
  }

  /** A tombstone: the connector was removed, and its ownership with it. */
  remove(connectorId: string): AgreementChange {
    if (!this.agreements.delete(connectorId)) return 'unchanged';
    this.stale = true;
    return 'removed';
  }

  markLoaded(): void {
    if (this.isLoaded) return;
    this.isLoaded = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /**
   * Resolves true once the book is loaded, or false as soon as `stopping()` says the caller is
   * shutting down (checked every 100 ms), so a start waiting here never holds up a shutdown.
   */
  async whenLoaded(stopping: () => boolean = () => false): Promise<boolean> {
    while (!this.isLoaded) {
      if (stopping()) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  private rebuild(): void {
    this.stale = false;
    const owners = new Map<string, Map<string, FieldOwner[]>>();
    const allowed = new Map<string, Map<string, ReadonlySet<string>>>();
    const entitiesNamed = new Set<string>();
    const sorted = [...this.agreements.values()].sort((a, b) => (a.connectorId < b.connectorId ? -1 : a.connectorId > b.connectorId ? 1 : 0));
    for (const a of sorted) for (const e of a.entities) entitiesNamed.add(e.entity);
    for (const a of sorted) {
      const owner: FieldOwner = { connectorId: a.connectorId, sourceSystem: a.sourceSystem, organisationId: a.organisationId };
      const covered = new Set<string>();
      for (const e of a.entities) {
        covered.add(e.entity);
        const ownedFields = (e.ownedFields ?? []).map(contractFieldName);
        const byField = owners.get(e.entity) ?? new Map<string, FieldOwner[]>();
        owners.set(e.entity, byField);
        for (const f of new Set(ownedFields)) {
          if (f === '') continue;
          const list = byField.get(f) ?? [];
          list.push(owner);
          byField.set(f, list);
        }
        const fields = (e.fields ?? []).map(contractFieldName).filter((f) => f !== '');
        // Owning a field means writing it: an owned field not listed in `fields` is still the connector's.
        if (fields.length > 0) setOf(allowed, e.entity).set(a.connectorId, new Set([...fields, ...ownedFields]));
      }
      // An entity the agreement does not name: the connector may write none of its fields.
      for (const entity of entitiesNamed) if (!covered.has(entity)) setOf(allowed, entity).set(a.connectorId, new Set());
    }
    const policies = new Map<string, EntityFieldPolicy>();
    for (const entity of entitiesNamed) policies.set(entity, { owners: owners.get(entity) ?? new Map(), allowed: allowed.get(entity) ?? new Map() });
    this.policies = policies;
    this.unnamed = sorted.length === 0 ? undefined : { owners: new Map(), allowed: new Map(sorted.map((a) => [a.connectorId, new Set<string>()])) };
  }
}

function setOf(map: Map<string, Map<string, ReadonlySet<string>>>, entity: string): Map<string, ReadonlySet<string>> {
  let m = map.get(entity);
  if (!m) {
    m = new Map();
    map.set(entity, m);
  }
  return m;
}
