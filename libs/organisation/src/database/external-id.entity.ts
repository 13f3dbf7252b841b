import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An organisation's id in a source system (`organisation.external_id`, the entity pipeline's link table): the link imports match on first. */
@Entity({ schema: 'organisation', name: 'external_id' })
@Index('ix_external_id_entity', ['entityId'])
export class OrganisationExternalIdEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'external_id_pkey' })
  system!: string;

  @PrimaryColumn({
    name: 'external_id',
    type: 'text',
    primaryKeyConstraintName: 'external_id_pkey',
  })
  externalId!: string;

  @Column({ name: 'entity_id', type: 'uuid' })
  entityId!: string;

  @Column({ type: 'smallint' })
  position!: number;
}
