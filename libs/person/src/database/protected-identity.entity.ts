import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A personnummer with skyddade personuppgifter, kept only as a salted hash (DESIGN §3). */
@Entity({ schema: 'person', name: 'protected_identity', comment: 'SHA-256 of salt + personnummer with skyddade personuppgifter: never the number itself' })
export class ProtectedIdentityEntity {
  @PrimaryColumn({ name: 'pnr_hash', type: 'bytea', primaryKeyConstraintName: 'protected_identity_pkey' })
  pnrHash!: Buffer;

  @CreateDateColumn({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;
}
