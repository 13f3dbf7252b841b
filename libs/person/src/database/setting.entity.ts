import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Installation settings of the person service (e.g. the protected-identity salt). */
@Entity({ schema: 'person', name: 'setting' })
export class SettingEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'setting_pkey' })
  key!: string;

  @Column({ type: 'bytea' })
  value!: Buffer;
}
