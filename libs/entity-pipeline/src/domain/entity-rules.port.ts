import type avro from 'avsc';
import type { ExternalId, Reason, Reference } from '@stafett/contracts';
import type { SqlExecutor } from '@stafett/outbox';
import type { EntityCommand } from './entity-command';

/** What every entity has: an id and the links of the source systems that know it. */
export interface EntityState {
  readonly id: string;
  readonly externalIds: readonly ExternalId[];
}

export interface Stored<S> {
  readonly state: S;
  readonly version: number;
}

/**
 * The domain's tables, mapped row by row (no decisions here). The pipeline owns the external-id
 * links (`<schema>.external_id`): states are loaded without them and saved without them.
 */
export interface EntityRepository<S extends EntityState> {
  /** Entities with their child rows; `lock` takes their row locks (in id order). `externalIds` come back empty. */
  load(tx: SqlExecutor, ids: readonly string[], options: { readonly lock: boolean }): Promise<Map<string, Stored<S>>>;
  /** natural key → entity id, for the keys that belong to an entity (one index probe per key). */
  findIdsByNaturalKey(tx: SqlExecutor, keys: readonly string[]): Promise<Map<string, string>>;
  /** The ids that exist (references given by id). */
  existingIds(tx: SqlExecutor, ids: readonly string[]): Promise<Set<string>>;
  /** Inserts or updates the final state of each entity; `existed` names those that had rows before the batch. */
  saveAll(tx: SqlExecutor, entities: readonly Stored<S>[], existed: ReadonlySet<string>): Promise<void>;
  deleteAll(tx: SqlExecutor, ids: readonly string[]): Promise<void>;
}

/** The entity kinds a service may keep a projection of (their `stafett.<entity>.state.v1` topics). */
export type ProjectedEntity = 'organisation' | 'person' | 'group' | 'activity';

/** A reference to an entity of another kind (resolved from this service's projection of its state topic). */
export interface ForeignReference {
  readonly entity: ProjectedEntity;
  readonly ref: Reference;
}

/** What this service knows of an entity of another kind, from its projection of that entity's state topic. */
export interface KnownEntity {
  readonly entity: ProjectedEntity;
  readonly id: string;
  readonly version: number;
  /** Organisations: their `type`; others: null. */
  readonly type: string | null;
  /** The organisations the entity belongs to (an organisation: its parent and federations; a person: its memberships; a group or activity: its organisation). */
  readonly organisationIds: readonly string[];
}

/**
 * How the rules resolve the references of one payload while validating it. A reference that does
 * not resolve is answered `undefined`; the rules then refuse the payload with UNKNOWN_REFERENCE
 * (naming the field), and the pipeline parks an import record refused only for that, retrying it
 * when the missing entity appears, until a bounded wait ends in the rejection.
 */
export interface ReferenceResolver<S> {
  /** An entity of the same kind (by id, external-id link or natural key), as the batch sees it. */
  same(ref: Reference): string | undefined;
  /** An entity of another kind, by id, (system, externalId) or, for persons, personalIdentityNumber. */
  foreign(entity: ProjectedEntity, ref: Reference): string | undefined;
  /** The state of a same-kind entity loaded or written in this batch (e.g. a parent in the hierarchy). */
  state(id: string): S | undefined;
  /** A foreign entity this batch resolved (its projection facts), by id. */
  known(entity: ProjectedEntity, id: string): KnownEntity | undefined;
}

/** What a rule may decide before the generic path runs (e.g. a protected identity is erased). */
export type Screening = { readonly reject: readonly Reason[] } | { readonly remove: { readonly erase: boolean } } | undefined;

/** Validation's answer: a normalized patch, or why the payload is refused. */
export type Validation<Patch> = { readonly patch: Patch; readonly errors?: undefined } | { readonly errors: readonly Reason[]; readonly patch?: undefined };

/**
 * A domain's rules, plugged into the entity pipeline: validate, match by natural keys, apply a
 * patch, map to the contract. `C` is what the rules load once per batch (`prepare`).
 */
export interface EntityRules<S extends EntityState, P, Patch, C = undefined> {
  /** The entity name: topics `stafett.<entity>.*`, `ImportResult.entityType`, metrics label. */
  readonly entity: string;
  /** The domain's Postgres schema (its tables, outbox, links and consumer offsets). */
  readonly schema: string;
  /**
   * The entity's Avro contracts. `result` defaults to `se.stafett.imports.ImportResult`, whose
   * `entityType` names the canonical four: an entity outside them (a test entity) brings its own.
   */
  readonly contracts: {
    readonly importRecord: avro.Type;
    readonly changed: avro.Type;
    readonly state: avro.Type;
    readonly result?: avro.Type;
  };
  /** The payload field holding the natural key (named in AMBIGUOUS_MATCH reasons). */
  readonly naturalKeyField: string;

  /** The normalized natural key of a payload or a reference (personnummer, organisationsnummer), if any. */
  naturalKeyOf(payload: P | null): string | undefined;
  naturalKeyOfReference(ref: Reference): string | undefined;
  naturalKeyOfState(state: S): string | null;
  /** References to entities of the same kind that the payload makes (resolved by the pipeline). */
  references(payload: P | null): readonly Reference[];
  /** References to entities of other kinds (resolved from the projections named in the pipeline definition). */
  foreignReferences?(payload: P | null): readonly ForeignReference[];
  /** The organisations an entity belongs to (organisation-scoped API keys see an entity when one of them is in their subtree). */
  organisationsOf(state: S): readonly string[];
  /**
   * Payload fields with which an import through an organisation-scoped key may join an entity that
   * is outside its subtree, found by the natural key (persons: `memberships` — a member of another
   * club joins this one). Every other field of such a record is dropped with FIELD_OUTSIDE_SCOPE, and
   * the result must then be inside the subtree. Without it such a record is OUT_OF_SCOPE.
   */
  readonly joinFields?: readonly string[];

  /** Loads what the rules need for the whole batch, once (e.g. which identities are protected). */
  prepare(tx: SqlExecutor, commands: readonly EntityCommand<P>[]): Promise<C>;
  /** Runs before the generic path: may refuse a command or turn it into a removal. */
  screen?(command: EntityCommand<P>, existing: Stored<S> | undefined, context: C): Screening;
  validate(payload: P, existing: S | undefined, refs: ReferenceResolver<S>, context: C): Validation<Patch>;
  applyPatch(id: string, existing: S | undefined, patch: Patch, externalIds: readonly ExternalId[]): S;
  /** Field names (contract order) whose values differ. */
  changedFields(before: S | undefined, after: S): string[];
  toContract(state: S): unknown;
  /** Writes what the rules decided beyond the entities (e.g. newly protected identities). */
  finish?(tx: SqlExecutor, context: C): Promise<void>;
  /**
   * Entities of another kind were deleted or erased (tombstones on their state topic): the commands
   * that follow for this entity (e.g. a group's members without the erased person), applied in the
   * projection's transaction with source system `stafett`. Read the affected rows through `tx`.
   */
  onForeignRemoved?(tx: SqlExecutor, entity: ProjectedEntity, ids: readonly string[]): Promise<EntityCommand<P>[]>;
}
