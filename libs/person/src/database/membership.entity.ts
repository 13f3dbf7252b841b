import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { PersonEntity } from './person.entity';

/** One membership of a person in an organisation (`person.membership`), in the person's order. */
@Entity({ schema: 'person', name: 'membership' })
@Index('ix_membership_organisation', ['organisationId'])
export class MembershipEntity {
  @PrimaryColumn({ name: 'person_id', type: 'uuid', primaryKeyConstraintName: 'membership_pkey' })
  @ForeignKey(() => PersonEntity, 'id', { name: 'membership_person_id_fkey', onDelete: 'CASCADE' })
  personId!: string;

  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'membership_pkey' })
  position!: number;

  @Column({ name: 'organisation_id', type: 'uuid' })
  organisationId!: string;

  /** YYYY-MM-DD */
  @Column({ name: 'valid_from', type: 'date' })
  validFrom!: string;

  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo!: string | null;
}
