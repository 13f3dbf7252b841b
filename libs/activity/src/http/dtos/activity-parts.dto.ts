import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import type { Role } from '@stafett/contracts';
import { ROLES } from '../../domain/activity.model';

/** A participant: a person in the register, as leader or participant, and whether they attended. */
export class ParticipantDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  personId!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ type: Boolean, description: 'Default false; true only once the activity has started or is HELD (never when CANCELLED)' })
  @IsOptional()
  @IsBoolean()
  attended?: boolean;
}

/** The activity's id in another system. */
export class ExternalIdDto {
  @ApiProperty({ example: 'idrottsonline' })
  system!: string;

  @ApiProperty({ example: 'activity-4711' })
  id!: string;
}
