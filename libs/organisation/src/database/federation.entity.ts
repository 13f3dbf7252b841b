import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { OrganisationEntity } from './organisation.entity';

/** A club's membership of a federation (`organisation.federation`), in the club's order. */
@Entity({ schema: 'organisation', name: 'federation' })
@Index('ix_federation_federation', ['federationId'])
export class FederationEntity {
  @PrimaryColumn({ name: 'organisation_id', type: 'uuid', primaryKeyConstraintName: 'federation_pkey' })
  @ForeignKey(() => OrganisationEntity, 'id', { name: 'federation_organisation_id_fkey', onDelete: 'CASCADE' })
  organisationId!: string;

  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'federation_pkey' })
  position!: number;

  @Column({ name: 'federation_id', type: 'uuid' })
  federationId!: string;

  @Column({ type: 'text', nullable: true })
  sport!: string | null;
}
