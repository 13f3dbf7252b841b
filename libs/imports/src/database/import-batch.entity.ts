import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A batch accepted by `POST /v1/imports`: its report is DONE once `total` results are stored. */
@Entity({ schema: 'imports', name: 'batch' })
export class ImportBatchEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_imports_batch' })
  id!: string;

  @Column({ name: 'source_system', type: 'text' })
  sourceSystem!: string;

  /** Records in the batch. */
  @Column({ type: 'integer' })
  total!: number;

  /** The organisation the submitting API key is bound to (its records carry it as `stafett.scope`); null: a global key. */
  @Column({ name: 'scope_organisation_id', type: 'uuid', nullable: true })
  scopeOrganisationId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
