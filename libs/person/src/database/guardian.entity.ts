import { Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { PersonEntity } from './person.entity';

/** A guardian of a person (`person.guardian`), in the person's order. */
@Entity({ schema: 'person', name: 'guardian' })
export class GuardianEntity {
  @PrimaryColumn({ name: 'person_id', type: 'uuid', primaryKeyConstraintName: 'guardian_pkey' })
  @ForeignKey(() => PersonEntity, 'id', { name: 'guardian_person_id_fkey', onDelete: 'CASCADE' })
  personId!: string;

  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'guardian_pkey' })
  position!: number;

  @Column({ name: 'guardian_id', type: 'uuid' })
  guardianId!: string;
}
