import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CompatibilityConfigEntity, GLOBAL_CONFIG_SUBJECT } from './database/compatibility-config.entity';
import { RegistrySchemaEntity } from './database/registry-schema.entity';
import { SubjectVersionEntity } from './database/subject-version.entity';
import { AvroCompatibility, type CompatibilityResult } from './domain/avro-compatibility';
import { InvalidAvroSchemaError, parseAvroSchema, type ParsedAvroSchema } from './domain/avro-schema';
import { DEFAULT_COMPATIBILITY_LEVEL, toCompatibilityLevel, type CompatibilityLevel } from './domain/compatibility-level';
import { isValidSubject } from './domain/subject-name';
import { RegistryErrors, SchemaRegistryException, type VersionSelector } from './schema-registry.exception';
import type { RegisterSchemaDto } from './dtos/register-schema.dto';

export interface SubjectVersionView {
  readonly subject: string;
  readonly id: number;
  readonly version: number;
  readonly schema: string;
}

/** Which versions a read sees: Confluent's `deleted=true` adds soft-deleted ones, `deletedOnly=true` shows only those. */
export type DeletedFilter = 'live' | 'withDeleted' | 'deletedOnly';

export interface SubjectListQuery {
  readonly prefix?: string;
  readonly filter?: DeletedFilter;
}

export interface SchemaListQuery {
  readonly prefix?: string;
  readonly withDeleted?: boolean;
  readonly latestOnly?: boolean;
}

export interface SchemaRequestOptions {
  /** Confluent's `normalize=true`: identify the schema by its normalised form. */
  readonly normalize?: boolean;
}

export interface LookupOptions extends SchemaRequestOptions {
  /** Confluent's `deleted=true`: soft-deleted versions count too (Kafka Connect's AvroConverter asks so). */
  readonly deleted?: boolean;
}

/** A version of a subject with its schema. */
interface VersionRow {
  readonly subject: string;
  readonly version: number;
  readonly schemaId: number;
  readonly hash: string;
  readonly schema: string;
  readonly deleted: boolean;
}

interface RawVersionRow {
  subject: string;
  version: number;
  schema_id: number;
  hash: string;
  schema: string;
  deleted: boolean;
}

/**
 * The registry's use cases on Postgres. Registration runs in one transaction holding a
 * per-subject advisory lock, so concurrent registrations under one subject are serialised:
 * no version number is given twice and one schema never gets two versions; a second lock per
 * schema identity makes "the id of this schema, or a new one" atomic across subjects.
 *
 * Identity is Confluent's: a schema is its canonical form (or its normalised form with
 * `normalize`), see `domain/avro-canonical-form.ts`; the stored and answered text is that form.
 */
@Injectable()
export class SchemaRegistryService {
  private readonly compatibility = new AvroCompatibility();

  constructor(private readonly dataSource: DataSource) {}

  async register(subject: string, request: RegisterSchemaDto, options: SchemaRequestOptions = {}): Promise<{ id: number }> {
    if (!isValidSubject(subject)) throw RegistryErrors.invalidSubject(subject);
    const parsed = this.parseRequest(request, options);
    return this.dataSource.transaction(async (tx) => {
      await this.lock(tx, `subject:${subject}`);
      const all = await this.versionRows(tx, subject, 'withDeleted');
      const live = all.filter((v) => !v.deleted);
      const existing = live.findLast((v) => v.hash === parsed.hash);
      if (existing) return { id: existing.schemaId };

      const level = await this.effectiveLevel(tx, subject);
      const previous = live.map((v) => ({ version: v.version, schema: v.schema }));
      const result = this.compatibility.check(parsed.type, previous, level);
      if (!result.compatible) throw RegistryErrors.incompatible(subject, result.messages);

      const id = await this.schemaIdFor(tx, parsed);
      const version = (all.at(-1)?.version ?? 0) + 1;
      await tx.insert(SubjectVersionEntity, { subject, version, schemaId: id, deleted: false });
      return { id };
    });
  }

  /** `POST /subjects/:subject`: is this schema registered under the subject, and as which version? */
  async lookup(subject: string, request: RegisterSchemaDto, options: LookupOptions = {}): Promise<SubjectVersionView> {
    const parsed = this.parseRequest(request, options);
    const rows = await this.versionRows(this.dataSource.manager, subject, options.deleted === true ? 'withDeleted' : 'live');
    if (rows.length === 0) throw RegistryErrors.subjectNotFound(subject);
    const found = rows.findLast((v) => v.hash === parsed.hash);
    if (!found) throw RegistryErrors.schemaNotFound();
    return view(found);
  }

  /**
   * The schema of a global id. Like Confluent, an id is known while some version of some subject
   * (soft-deleted or not) uses it; the row itself is kept, so registering the schema again gives
   * the same id back.
   */
  async schemaById(id: number): Promise<RegistrySchemaEntity> {
    const schema = await this.dataSource.manager
      .createQueryBuilder(RegistrySchemaEntity, 's')
      .where('s.id = :id', { id })
      .andWhere(`EXISTS (SELECT 1 FROM "registry"."subject_versions" v WHERE v."schema_id" = s.id)`)
      .getOne();
    if (!schema) throw RegistryErrors.schemaIdNotFound(id);
    return schema;
  }

  async subjectVersionsOfSchema(id: number, withDeleted: boolean): Promise<{ subject: string; version: number }[]> {
    await this.schemaById(id);
    const rows: { subject: string; version: number }[] = await this.dataSource.query(
      `SELECT "subject", "version" FROM "registry"."subject_versions"
        WHERE "schema_id" = $1 AND ($2 OR NOT "deleted")
        ORDER BY "subject" COLLATE "C", "version"`,
      [id, withDeleted],
    );
    return rows.map((r) => ({ subject: r.subject, version: r.version }));
  }

  async subjectsOfSchema(id: number, withDeleted: boolean): Promise<string[]> {
    return [...new Set((await this.subjectVersionsOfSchema(id, withDeleted)).map((v) => v.subject))];
  }

  async subjects(query: SubjectListQuery = {}): Promise<string[]> {
    const rows: { subject: string; all_deleted: boolean }[] = await this.dataSource.query(
      `SELECT "subject", bool_and("deleted") AS "all_deleted" FROM "registry"."subject_versions"
        WHERE starts_with("subject", $1)
        GROUP BY "subject" ORDER BY "subject" COLLATE "C"`,
      [query.prefix ?? ''],
    );
    const filter = query.filter ?? 'live';
    return rows
      .filter((r) => (filter === 'withDeleted' ? true : filter === 'deletedOnly' ? r.all_deleted : !r.all_deleted))
      .map((r) => r.subject);
  }

  async versions(subject: string, filter: DeletedFilter = 'live'): Promise<number[]> {
    const rows = await this.versionRows(this.dataSource.manager, subject, filter === 'live' ? 'live' : 'withDeleted');
    if (rows.length === 0) throw RegistryErrors.subjectNotFound(subject);
    return rows.filter((v) => filter !== 'deletedOnly' || v.deleted).map((v) => v.version);
  }

  /** A version by number (soft-deleted ones too with `withDeleted`), or `latest`: the latest live one, as in Confluent. */
  async version(subject: string, selector: VersionSelector, withDeleted = false): Promise<SubjectVersionView> {
    const rows = await this.versionRows(this.dataSource.manager, subject, withDeleted ? 'withDeleted' : 'live');
    const found = selector === 'latest' ? rows.filter((v) => !v.deleted).at(-1) : rows.find((v) => v.version === selector);
    if (found) return view(found);
    if (rows.length === 0) throw RegistryErrors.subjectNotFound(subject);
    throw RegistryErrors.versionNotFound(selector);
  }

  /** `GET /schemas`: versions of every subject (with the prefix), by subject and version. */
  async schemas(query: SchemaListQuery = {}): Promise<SubjectVersionView[]> {
    const raw: RawVersionRow[] = await this.dataSource.query(
      `SELECT v."subject", v."version", v."schema_id", s."hash", s."schema", v."deleted"
         FROM "registry"."subject_versions" v JOIN "registry"."schemas" s ON s."id" = v."schema_id"
        WHERE starts_with(v."subject", $1) AND ($2 OR NOT v."deleted")
        ORDER BY v."subject" COLLATE "C", v."version"`,
      [query.prefix ?? '', query.withDeleted === true],
    );
    const rows = raw.map(toVersionRow);
    const latest = query.latestOnly === true ? rows.filter((r, i) => rows[i + 1]?.subject !== r.subject) : rows;
    return latest.map(view);
  }

  /** Soft delete (or, with `permanent`, removal of a soft-deleted subject); answers the versions. */
  async deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.dataSource.transaction(async (tx) => {
      await this.lock(tx, `subject:${subject}`);
      const rows = await tx.find(SubjectVersionEntity, { where: { subject }, order: { version: 'ASC' } });
      if (rows.length === 0) throw RegistryErrors.subjectNotFound(subject);
      const live = rows.filter((r) => !r.deleted).map((r) => r.version);
      if (permanent) {
        if (live.length > 0) throw RegistryErrors.subjectNotSoftDeleted(subject);
        await tx.delete(SubjectVersionEntity, { subject });
        await tx.delete(CompatibilityConfigEntity, { subject });
        return rows.map((r) => r.version);
      }
      if (live.length === 0) throw RegistryErrors.subjectSoftDeleted(subject);
      await tx.update(SubjectVersionEntity, { subject, deleted: false }, { deleted: true });
      return live;
    });
  }

  async deleteVersion(subject: string, selector: VersionSelector, permanent: boolean): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      await this.lock(tx, `subject:${subject}`);
      const rows = await tx.find(SubjectVersionEntity, { where: { subject }, order: { version: 'ASC' } });
      if (rows.length === 0) throw RegistryErrors.subjectNotFound(subject);
      const row = selector === 'latest' ? rows.filter((r) => !r.deleted).at(-1) : rows.find((r) => r.version === selector);
      if (!row) throw RegistryErrors.versionNotFound(selector);
      if (permanent) {
        if (!row.deleted) throw RegistryErrors.versionNotSoftDeleted(subject, row.version);
        await tx.delete(SubjectVersionEntity, { subject, version: row.version });
      } else {
        if (row.deleted) throw RegistryErrors.versionSoftDeleted(subject, row.version);
        await tx.update(SubjectVersionEntity, { subject, version: row.version }, { deleted: true });
      }
      return row.version;
    });
  }

  /**
   * Would `request` be accepted under the subject's level? Against one live version (number or
   * `latest`) when given, else against the live versions the level names. A subject without
   * live versions accepts anything, but a version number it does not have is 40402 (Confluent).
   * With `verbose`, an invalid schema is an incompatible answer with the reason, not an error.
   */
  async testCompatibility(
    subject: string,
    selector: VersionSelector | undefined,
    request: RegisterSchemaDto,
    verbose = false,
  ): Promise<CompatibilityResult> {
    const live = await this.versionRows(this.dataSource.manager, subject, 'live');
    let against = live;
    if (selector !== undefined) {
      const found = selector === 'latest' ? live.at(-1) : live.find((v) => v.version === selector);
      if (!found && selector !== 'latest') throw RegistryErrors.versionNotFound(selector);
      against = found ? [found] : [];
    }
    let parsed: ParsedAvroSchema;
    try {
      parsed = this.parseRequest(request, {});
    } catch (e) {
      if (verbose && e instanceof SchemaRegistryException) return { compatible: false, messages: [e.body.message] };
      throw e;
    }
    const level = await this.effectiveLevel(this.dataSource.manager, subject);
    return this.compatibility.check(
      parsed.type,
      against.map((v) => ({ version: v.version, schema: v.schema })),
      level,
    );
  }

  async globalLevel(): Promise<CompatibilityLevel> {
    const row = await this.dataSource.manager.findOneBy(CompatibilityConfigEntity, { subject: GLOBAL_CONFIG_SUBJECT });
    return (row && toCompatibilityLevel(row.compatibilityLevel)) ?? DEFAULT_COMPATIBILITY_LEVEL;
  }

  async subjectLevel(subject: string, defaultToGlobal: boolean): Promise<CompatibilityLevel> {
    const row = await this.dataSource.manager.findOneBy(CompatibilityConfigEntity, { subject });
    const level = row && toCompatibilityLevel(row.compatibilityLevel);
    if (level) return level;
    if (defaultToGlobal) return this.globalLevel();
    throw RegistryErrors.subjectConfigNotFound(subject);
  }

  /** Sets the level of a subject, or the global one for `GLOBAL_CONFIG_SUBJECT`. */
  async setLevel(subject: string, requested: unknown): Promise<CompatibilityLevel> {
    if (subject !== GLOBAL_CONFIG_SUBJECT && !isValidSubject(subject)) throw RegistryErrors.invalidSubject(subject);
    const level = toCompatibilityLevel(requested);
    if (!level) throw RegistryErrors.invalidCompatibilityLevel();
    await this.dataSource.query(
      `INSERT INTO "registry"."config" ("subject", "compatibility_level") VALUES ($1, $2)
       ON CONFLICT ("subject") DO UPDATE SET "compatibility_level" = EXCLUDED."compatibility_level", "updated_at" = now()`,
      [subject, level],
    );
    return level;
  }

  /** Removes a subject's own level (it then follows the global one); answers the level it had. */
  async deleteSubjectLevel(subject: string): Promise<CompatibilityLevel> {
    return this.dataSource.transaction(async (tx) => {
      const row = await tx.findOne(CompatibilityConfigEntity, { where: { subject }, lock: { mode: 'pessimistic_write' } });
      const level = toCompatibilityLevel(row?.compatibilityLevel);
      if (!level) throw RegistryErrors.subjectConfigNotFound(subject);
      await tx.delete(CompatibilityConfigEntity, { subject });
      return level;
    });
  }

  private parseRequest(request: RegisterSchemaDto, options: SchemaRequestOptions): ParsedAvroSchema {
    const type = request.schemaType ?? 'AVRO';
    if (type.toUpperCase() !== 'AVRO') {
      throw RegistryErrors.invalidSchema(`Schema type ${type} is not supported: the built-in registry supports AVRO only`);
    }
    if (request.references !== undefined && request.references.length > 0) {
      throw RegistryErrors.invalidSchema('Schema references are not supported by the built-in registry');
    }
    try {
      return parseAvroSchema(request.schema, { normalize: options.normalize === true });
    } catch (e) {
      if (e instanceof InvalidAvroSchemaError) throw RegistryErrors.invalidSchema(e.message);
      throw e;
    }
  }

  /**
   * The id of this schema: the lowest id with its identity (rows from before canonical identity
   * may share one), else a new row holding the identifying text.
   */
  private async schemaIdFor(tx: EntityManager, parsed: ParsedAvroSchema): Promise<number> {
    await this.lock(tx, `schema:${parsed.hash}`);
    const found: { id: number }[] = await tx.query(
      `SELECT "id" FROM "registry"."schemas" WHERE "hash" = $1 ORDER BY "id" LIMIT 1`,
      [parsed.hash],
    );
    if (found.length > 0) return found[0].id;
    const inserted: { id: number }[] = await tx.query(
      `INSERT INTO "registry"."schemas" ("hash", "schema", "schema_type") VALUES ($1, $2, 'AVRO') RETURNING "id"`,
      [parsed.hash, parsed.text],
    );
    return inserted[0].id;
  }

  /** Serialises writers of one key until the transaction ends (the key is namespaced to the registry). */
  private async lock(tx: EntityManager, key: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`stafett.schema-registry:${key}`]);
  }

  private async versionRows(manager: EntityManager, subject: string, which: 'live' | 'withDeleted'): Promise<VersionRow[]> {
    const rows: RawVersionRow[] = await manager.query(
      `SELECT v."subject", v."version", v."schema_id", s."hash", s."schema", v."deleted"
         FROM "registry"."subject_versions" v JOIN "registry"."schemas" s ON s."id" = v."schema_id"
        WHERE v."subject" = $1 AND ($2 OR NOT v."deleted")
        ORDER BY v."version"`,
      [subject, which === 'withDeleted'],
    );
    return rows.map(toVersionRow);
  }

  private async effectiveLevel(manager: EntityManager, subject: string): Promise<CompatibilityLevel> {
    const rows = await manager.find(CompatibilityConfigEntity, {
      where: [{ subject }, { subject: GLOBAL_CONFIG_SUBJECT }],
    });
    const own = rows.find((r) => r.subject === subject && subject !== GLOBAL_CONFIG_SUBJECT);
    const global = rows.find((r) => r.subject === GLOBAL_CONFIG_SUBJECT);
    return (
      toCompatibilityLevel(own?.compatibilityLevel) ??
      toCompatibilityLevel(global?.compatibilityLevel) ??
      DEFAULT_COMPATIBILITY_LEVEL
    );
  }
}

function toVersionRow(r: RawVersionRow): VersionRow {
  return {
    subject: r.subject,
    version: r.version,
    schemaId: r.schema_id,
    hash: r.hash,
    schema: r.schema,
    deleted: r.deleted,
  };
}

function view(row: VersionRow): SubjectVersionView {
  return { subject: row.subject, id: row.schemaId, version: row.version, schema: row.schema };
}
