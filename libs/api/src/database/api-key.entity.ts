import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique } from 'typeorm';

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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Set when the key no longer opens anything. */
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
