import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A schema under its global id (the id in the Confluent wire format). One row per identity (`hash`)
 * for everything registered since canonical identity; rows registered before it may share a hash
 * (two spellings of one schema then had two ids, and both ids stay valid), so the hash is indexed,
 * not unique, and registration picks the lowest id.
 */
@Entity({ schema: 'registry', name: 'schemas' })
@Index('ix_registry_schemas_hash', ['hash'])
export class RegistrySchemaEntity {
  @PrimaryGeneratedColumn('increment', { type: 'integer', primaryKeyConstraintName: 'pk_registry_schemas' })
  id!: number;

  /** SHA-256 (hex) of the schema type and the identifying form (`avroSchemaHash`): canonical, or normalised. */
  @Column({ type: 'char', length: 64 })
  hash!: string;

  /** The schema text answered for the id: its canonical (or normalised) form; for rows from before canonical identity, the text as first registered. */
  @Column({ type: 'text' })
  schema!: string;

  @Column({ name: 'schema_type', type: 'varchar', length: 16, default: 'AVRO' })
  schemaType!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
