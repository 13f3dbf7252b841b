import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { GroupStatus, GroupType } from '@stafett/contracts';

/** Postgres `bigint` arrives as a string; versions stay far below 2^53. */
export const bigintAsNumber = { from: (v: string | null) => (v === null ? null : Number(v)), to: (v: number | null) => v };

/**
 * A group row (`"group"."group"`). The write path is plain SQL (`GroupRepository`); the entities
 * describe the tables for reads and for the migration drift check.
 */
@Entity({ schema: 'group', name: 'group' })
@Index('ix_group_organisation', ['organisationId', 'id'])
@Index('ix_group_type', ['type', 'id'])
// An expression index (lower(name) text_pattern_ops, for name prefixes) TypeORM cannot describe: left alone.
@Index('ix_group_name', { synchronize: false })
export class GroupEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'group_pkey' })
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: GroupType;

  @Column({ type: 'text', nullable: true })
  sport!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: GroupStatus;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
