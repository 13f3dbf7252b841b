import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import type { Role } from '@stafett/contracts';
import { GroupEntity } from './group.entity';

/** One member of a group (`"group".member`), in the group's order; a person's groups are found through `ix_member_person`. */
@Entity({ schema: 'group', name: 'member' })
@Index('ix_member_person', ['personId'])
export class MemberEntity {
  @PrimaryColumn({ name: 'group_id', type: 'uuid', primaryKeyConstraintName: 'member_pkey' })
  @ForeignKey(() => GroupEntity, 'id', { name: 'member_group_id_fkey', onDelete: 'CASCADE' })
  groupId!: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'member_pkey' })
  position!: number;

  @Column({ name: 'person_id', type: 'uuid' })
  personId!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: Role;

  /** YYYY-MM-DD */
  @Column({ name: 'valid_from', type: 'date' })
  validFrom!: string;

  /** YYYY-MM-DD, the last day */
  @Column({ name: 'valid_to', type: 'date', nullable: true })
  validTo!: string | null;
}
