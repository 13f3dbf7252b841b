import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { EntityType, ImportOutcome, Reason } from '@stafett/contracts';
import { ImportBatchEntity } from './import-batch.entity';

/** Postgres `bigint` arrives as a string; versions stay far below 2^53. */
const bigintAsNumber = { from: (v: string | null) => (v === null ? null : Number(v)), to: (v: number | null) => v };

/** The outcome of one record of a batch, from `stafett.imports.results.v1` (one row per record id). */
@Entity({ schema: 'imports', name: 'result' })
@Index('ix_imports_result_batch_id', ['batchId'])
export class ImportResultEntity {
  @PrimaryColumn({ name: 'record_id', type: 'uuid', primaryKeyConstraintName: 'pk_imports_result' })
  recordId!: string;

  @Column({ name: 'batch_id', type: 'uuid' })
  @ForeignKey(() => ImportBatchEntity, 'id', { name: 'fk_imports_result_batch', onDelete: 'CASCADE' })
  batchId!: string;

  @Column({ name: 'entity_type', type: 'varchar', length: 32 })
  entityType!: EntityType;

  @Column({ name: 'external_id', type: 'text' })
  externalId!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: ImportOutcome;

  @Column({ name: 'entity_id', type: 'text', nullable: true })
  entityId!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  version!: number | null;

  @Column({ type: 'jsonb' })
  reasons!: Reason[];
}
