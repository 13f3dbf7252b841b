import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A person's id in a source system (`person.external_id`, the entity pipeline's link table): the link imports match on first. */
@Entity({ schema: 'person', name: 'external_id' })
@Index('ix_external_id_entity', ['entityId'])
export class ExternalIdEntity {
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
