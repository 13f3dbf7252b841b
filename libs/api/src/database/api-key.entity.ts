import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { ApiRole } from '../auth/api-role';

/** An API key: only the SHA-256 of the key is kept; the key itself is shown once, when created. */
@Entity({ schema: 'auth', name: 'api_key', comment: 'API keys: only the SHA-256 (hex) of each key is stored' })
@Unique('uq_auth_api_key_hash', ['keyHash'])
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_auth_api_key' })
  id!: string;

  /** Who uses the key; becomes `source.actor` of the changes made with it (`admin` for the bootstrap key). */
  @Column({ type: 'text' })
  name!: string;

  /** SHA-256 of the key, lower-case hex. */
  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash!: string;

  /** What the key may do (admin · read · import). */
  @Column({ type: 'text', array: true })
  roles!: ApiRole[];

  /** `stf_…` and the key's last four characters, so people can tell their keys apart; null for keys made before it existed. */
  @Column({ name: 'key_hint', type: 'text', nullable: true })
  keyHint!: string | null;

  /** The organisation subtree the key is bound to (it sees and changes only that); null: a global key (always for admin keys). */
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true })
  organisationId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** After this instant the key opens nothing; null: it does not expire (the bootstrap key). */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** Set when the key no longer opens anything. */
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
