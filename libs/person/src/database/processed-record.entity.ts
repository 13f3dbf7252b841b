import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An import record (or REST write) already applied: a redelivery is skipped. */
@Entity({ schema: 'person', name: 'processed_record', comment: 'Import record ids already applied: a redelivered record is skipped' })
export class ProcessedRecordEntity {
  @PrimaryColumn({ name: 'record_id', type: 'uuid', primaryKeyConstraintName: 'processed_record_pkey' })
  recordId!: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;
}
