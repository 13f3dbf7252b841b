import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { PersonEntity } from './person.entity';

/** A person's id in a source system (`person.external_id`): the link imports match on first. */
@Entity({ schema: 'person', name: 'external_id' })
@Index('ix_external_id_person', ['personId'])
export class ExternalIdEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'external_id_pkey' })
  system!: string;

  @PrimaryColumn({ name: 'external_id', type: 'text', primaryKeyConstraintName: 'external_id_pkey' })
  externalId!: string;

  @Column({ name: 'person_id', type: 'uuid' })
  @ForeignKey(() => PersonEntity, 'id', { name: 'external_id_person_id_fkey', onDelete: 'CASCADE' })
  personId!: string;

  @Column({ type: 'smallint' })
  position!: number;
}
