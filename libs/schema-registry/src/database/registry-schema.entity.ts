import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A schema, once per canonical form, under its global id (the id in the Confluent wire format). */
@Entity({ schema: 'registry', name: 'schemas' })
@Unique('uq_registry_schemas_hash', ['hash'])
export class RegistrySchemaEntity {
  @PrimaryGeneratedColumn('increment', { type: 'integer', primaryKeyConstraintName: 'pk_registry_schemas' })
  id!: number;

  /** SHA-256 (hex) of the schema type and canonical form. */
  @Column({ type: 'char', length: 64 })
  hash!: string;

  /** The schema text as first registered. */
  @Column({ type: 'text' })
  schema!: string;

  @Column({ name: 'schema_type', type: 'varchar', length: 16, default: 'AVRO' })
  schemaType!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
