import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { Role } from '@stafett/contracts';
import { ActivityEntity } from './activity.entity';

/** One participant of an activity (`activity.participant`), in the activity's order. */
@Entity({ schema: 'activity', name: 'participant' })
@Index('ix_participant_person', ['personId'])
export class ParticipantEntity {
  @PrimaryColumn({ name: 'activity_id', type: 'uuid', primaryKeyConstraintName: 'participant_pkey' })
  @ForeignKey(() => ActivityEntity, 'id', { name: 'participant_activity_id_fkey', onDelete: 'CASCADE' })
  activityId!: string;

  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'participant_pkey' })
  position!: number;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  @Column({ type: 'boolean', default: false })
  attended!: boolean;
}
