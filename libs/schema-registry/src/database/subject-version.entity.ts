import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { RegistrySchemaEntity } from './registry-schema.entity';

/** Version `version` of a subject is the schema `schemaId`; version numbers are never reused. */
@Entity({ schema: 'registry', name: 'subject_versions' })
@Index('ix_registry_subject_versions_schema_id', ['schemaId'])
export class SubjectVersionEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_registry_subject_versions' })
  subject!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'pk_registry_subject_versions' })
  version!: number;

  @Column({ name: 'schema_id', type: 'integer' })
  @ForeignKey(() => RegistrySchemaEntity, 'id', { name: 'fk_registry_subject_versions_schema', onDelete: 'RESTRICT' })
  schemaId!: number;

  /** Soft-deleted: hidden from reads and compatibility checks, its number not reused. */
  @Column({ type: 'boolean', default: false })
  deleted!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
