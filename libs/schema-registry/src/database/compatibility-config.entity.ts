import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** The global subject key in `registry.config`. */
export const GLOBAL_CONFIG_SUBJECT = '';

/** A compatibility level, per subject or global (subject ''). Without a global row the platform default applies. */
@Entity({ schema: 'registry', name: 'config' })
export class CompatibilityConfigEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_registry_config' })
  subject!: string;

  @Column({ name: 'compatibility_level', type: 'varchar', length: 32 })
  compatibilityLevel!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
