import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Address, PersonStatus, Sex } from '@stafett/contracts';

/** Postgres `bigint` arrives as a string; versions stay far below 2^53. */
export const bigintAsNumber = { from: (v: string | null) => (v === null ? null : Number(v)), to: (v: number | null) => v };

/**
 * A person row (`person.person`). The bulk write path is plain SQL (`PersonRepository`); the
 * entities describe the tables for reads and for the migration drift check.
 */
@Entity({ schema: 'person', name: 'person' })
@Index('ux_person_pnr', ['personalIdentityNumber'], { unique: true, where: '"personal_identity_number" IS NOT NULL' })
// Expression indexes (lower(first_name) / lower(last_name), text_pattern_ops: the name prefix search) TypeORM cannot describe: left alone.
@Index('ix_person_first_name_prefix', { synchronize: false })
@Index('ix_person_last_name_prefix', { synchronize: false })
export class PersonEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'person_pkey' })
  id!: string;

  @Column({ name: 'personal_identity_number', type: 'char', length: 12, nullable: true })
  personalIdentityNumber!: string | null;

  @Column({ name: 'first_name', type: 'text' })
  firstName!: string;

  @Column({ name: 'last_name', type: 'text' })
  lastName!: string;

  /** YYYY-MM-DD */
  @Column({ name: 'birth_date', type: 'date' })
  birthDate!: string;

  @Column({ type: 'varchar', length: 8 })
  sex!: Sex;

  @Column({ type: 'jsonb', nullable: true })
  address!: Address | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: PersonStatus;

  @Column({ type: 'boolean', default: false })
  disability!: boolean;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
