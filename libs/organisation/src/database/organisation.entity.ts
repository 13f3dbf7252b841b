import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { OrganisationStatus, OrganisationType } from '@stafett/contracts';

/** Postgres `bigint` arrives as a string; versions stay far below 2^53. */
export const bigintAsNumber = { from: (v: string | null) => (v === null ? null : Number(v)), to: (v: number | null) => v };

/**
 * An organisation row (`organisation.organisation`). The bulk write path is plain SQL
 * (`OrganisationRepository`); the entities describe the tables for reads and for the migration drift check.
 */
@Entity({ schema: 'organisation', name: 'organisation' })
@Index('ux_organisation_number', ['organisationNumber'], { unique: true, where: '"organisation_number" IS NOT NULL' })
@Index('ix_organisation_parent', ['parentId'], { where: '"parent_id" IS NOT NULL' })
@Index('ix_organisation_type', ['type', 'id'])
@Index('ix_organisation_municipality', ['municipalityCode', 'id'], { where: '"municipality_code" IS NOT NULL' })
// An expression index (lower(name) text_pattern_ops) TypeORM cannot describe: left alone.
@Index('ix_organisation_name', { synchronize: false })
export class OrganisationEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'organisation_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: OrganisationType;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'organisation_number', type: 'char', length: 10, nullable: true })
  organisationNumber!: string | null;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  @Column({ name: 'municipality_code', type: 'char', length: 4, nullable: true })
  municipalityCode!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  sports!: string[];

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone!: string | null;

  @Column({ type: 'text', nullable: true })
  street!: string | null;

  @Column({ name: 'postal_code', type: 'varchar', length: 10, nullable: true })
  postalCode!: string | null;

  @Column({ type: 'text', nullable: true })
  city!: string | null;

  @Column({ name: 'country_code', type: 'char', length: 2, nullable: true })
  countryCode!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: OrganisationStatus;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
