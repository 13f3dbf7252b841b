import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ActivityStatus, ActivityType } from '@stafett/contracts';

/** Postgres `bigint` arrives as a string; versions stay far below 2^53. */
export const bigintAsNumber = { from: (v: string | null) => (v === null ? null : Number(v)), to: (v: number | null) => v };

/**
 * An activity row (`activity.activity`). The write path is plain SQL (`ActivityRepository`); the
 * entities describe the tables for the list query and the migration drift check.
 */
@Entity({ schema: 'activity', name: 'activity' })
@Index('ix_activity_starts_at', ['startsAt', 'id'])
@Index('ix_activity_organisation_starts_at', ['organisationId', 'startsAt', 'id'])
@Index('ix_activity_group_starts_at', ['groupId', 'startsAt', 'id'], { where: '"group_id" IS NOT NULL' })
export class ActivityEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'activity_pkey' })
  id!: string;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  @Column({ name: 'group_id', type: 'uuid', nullable: true })
  groupId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  type!: ActivityType;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', nullable: true })
  sport!: string | null;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  @Column({ type: 'text', nullable: true })
  location!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: ActivityStatus;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  version!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
