import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CompatibilityConfigEntity, GLOBAL_CONFIG_SUBJECT } from './database/compatibility-config.entity';
import { RegistrySchemaEntity } from './database/registry-schema.entity';
import { SubjectVersionEntity } from './database/subject-version.entity';
import { AvroCompatibility, type CompatibilityResult } from './domain/avro-compatibility';
import { InvalidAvroSchemaError, parseAvroSchema, type ParsedAvroSchema } from './domain/avro-schema';
import { DEFAULT_COMPATIBILITY_LEVEL, toCompatibilityLevel, type CompatibilityLevel } from './domain/compatibility-level';
import { RegistryErrors, type VersionSelector } from './schema-registry.exception';
import type { RegisterSchemaDto } from './dtos/register-schema.dto';

export interface SubjectVersionView {
  readonly subject: string;
  readonly id: number;
  readonly version: number;
  readonly schema: string;
}

/** A live (not soft-deleted) version of a subject with its schema. */
interface LiveVersion {
  readonly version: number;
  readonly schemaId: number;
  readonly hash: string;
  readonly schema: string;
}

/**
 * The registry's use cases on Postgres. Registration runs in one transaction holding a
 * per-subject advisory lock, so concurrent registrations under one subject are serialised:
 * no version number is given twice and one schema never gets two versions.
 */
@Injectable()
export class SchemaRegistryService {
  private readonly compatibility = new AvroCompatibility();

  constructor(private readonly dataSource: DataSource) {}

  async register(subject: string, request: RegisterSchemaDto): Promise<{ id: number }> {
    const parsed = this.parseRequest(request);
    return this.dataSource.transaction(async (tx) => {
      await this.lockSubject(tx, subject);
      const live = await this.liveVersions(tx, subject);
      const existing = live.find((v) => v.hash === parsed.hash);
      if (existing) return { id: existing.schemaId };

      const level = await this.effectiveLevel(tx, subject);
      const result = this.compatibility.check(parsed.type, live, level);
      if (!result.compatible) throw RegistryErrors.incompatible(subject, result.messages);

      // Insert-or-get: ids are global per canonical schema, whichever subject registers it first.
      const rows: { id: number }[] = await tx.query(
        `INSERT INTO "registry"."schemas" ("hash", "schema", "schema_type") VALUES ($1, $2, 'AVRO')
         ON CONFLICT ("hash") DO UPDATE SET "hash" = EXCLUDED."hash"
         RETURNING "id"`,
        [parsed.hash, request.schema],
      );
      const id = rows[0].id;
      const next: { version: number }[] = await tx.query(
        `SELECT COALESCE(MAX("version"), 0) + 1 AS "version" FROM "registry"."subject_versions" WHERE "subject" = $1`,
        [subject],
      );
      await tx.insert(SubjectVersionEntity, { subject, version: next[0].version, schemaId: id, deleted: false });
      return { id };
    });
  }

  /** `POST /subjects/:subject`: is this schema registered under the subject, and as which version? */
  async lookup(subject: string, request: RegisterSchemaDto): Promise<SubjectVersionView> {
    const parsed = this.parseRequest(request);
    const live = await this.liveVersions(this.dataSource.manager, subject);
    if (live.length === 0) throw RegistryErrors.subjectNotFound(subject);
    const found = live.findLast((v) => v.hash === parsed.hash);
    if (!found) throw RegistryErrors.schemaNotFound();
    return this.view(subject, found);
  }

  async schemaById(id: number): Promise<RegistrySchemaEntity> {
    const schema = await this.dataSource.manager.findOneBy(RegistrySchemaEntity, { id });
    if (!schema) throw RegistryErrors.schemaIdNotFound(id);
    return schema;
  }

  async subjectVersionsOfSchema(id: number): Promise<{ subject: string; version: number }[]> {
    await this.schemaById(id);
    const rows = await this.dataSource.manager.find(SubjectVersionEntity, {
      where: { schemaId: id, deleted: false },
      order: { subject: 'ASC', version: 'ASC' },
    });
    return rows.map((r) => ({ subject: r.subject, version: r.version }));
  }

  async subjects(): Promise<string[]> {
    const rows: { subject: string }[] = await this.dataSource.query(
      `SELECT DISTINCT "subject" FROM "registry"."subject_versions" WHERE NOT "deleted" ORDER BY "subject"`,
    );
    return rows.map((r) => r.subject);
  }

  async versions(subject: string): Promise<number[]> {
    const live = await this.liveVersions(this.dataSource.manager, subject);
    if (live.length === 0) throw RegistryErrors.subjectNotFound(subject);
    return live.map((v) => v.version);
  }

  async version(subject: string, selector: VersionSelector): Promise<SubjectVersionView> {
    const live = await this.liveVersions(this.dataSource.manager, subject);
    return this.view(subject, this.select(subject, live, selector));
  }

  /** Soft delete (or, with `permanent`, removal of a soft-deleted subject); answers the versions. */
  async deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.dataSource.transaction(async (tx) => {
      await this.lockSubject(tx, subject);
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
      await this.lockSubject(tx, subject);
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
   * Would `request` be accepted under the subject's level? Against one version (number or
   * `latest`) when given, else against the versions the level names.
   */
  async testCompatibility(
    subject: string,
    selector: VersionSelector | undefined,
    request: RegisterSchemaDto,
  ): Promise<CompatibilityResult> {
    const parsed = this.parseRequest(request);
    const live = await this.liveVersions(this.dataSource.manager, subject);
    if (selector === 'latest' && live.length === 0) return { compatible: true, messages: [] };
    const against = selector === undefined ? live : [this.select(subject, live, selector)];
    const level = await this.effectiveLevel(this.dataSource.manager, subject);
    return this.compatibility.check(parsed.type, against, level);
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

  private parseRequest(request: RegisterSchemaDto): ParsedAvroSchema {
    const type = request.schemaType ?? 'AVRO';
    if (type.toUpperCase() !== 'AVRO') {
      throw RegistryErrors.invalidSchema(`Schema type ${type} is not supported: the built-in registry supports AVRO only`);
    }
    if (request.references !== undefined && request.references.length > 0) {
      throw RegistryErrors.invalidSchema('Schema references are not supported by the built-in registry');
    }
    try {
      return parseAvroSchema(request.schema);
    } catch (e) {
      if (e instanceof InvalidAvroSchemaError) throw RegistryErrors.invalidSchema(e.message);
      throw e;
    }
  }

  /** Serialises writers of one subject until the transaction ends (the key is namespaced to the registry). */
  private async lockSubject(tx: EntityManager, subject: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`stafett.schema-registry:${subject}`]);
  }

  private async liveVersions(manager: EntityManager, subject: string): Promise<LiveVersion[]> {
    const rows: { version: number; schema_id: number; hash: string; schema: string }[] = await manager.query(
      `SELECT v."version", v."schema_id", s."hash", s."schema"
         FROM "registry"."subject_versions" v JOIN "registry"."schemas" s ON s."id" = v."schema_id"
        WHERE v."subject" = $1 AND NOT v."deleted"
        ORDER BY v."version"`,
      [subject],
    );
    return rows.map((r) => ({ version: r.version, schemaId: r.schema_id, hash: r.hash, schema: r.schema }));
  }

  private select(subject: string, live: readonly LiveVersion[], selector: VersionSelector): LiveVersion {
    if (live.length === 0) throw RegistryErrors.subjectNotFound(subject);
    const found = selector === 'latest' ? live.at(-1) : live.find((v) => v.version === selector);
    if (!found) throw RegistryErrors.versionNotFound(selector);
    return found;
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

  private view(subject: string, version: LiveVersion): SubjectVersionView {
    return { subject, id: version.schemaId, version: version.version, schema: version.schema };
  }
}
