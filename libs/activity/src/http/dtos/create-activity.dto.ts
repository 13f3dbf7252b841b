import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import type { ActivityStatus, ActivityType } from '@stafett/contracts';
import { ACTIVITY_STATUSES, ACTIVITY_TYPES } from '../../domain/activity.model';
import { ParticipantDto } from './activity-parts.dto';

/**
 * A new activity (canonical model v1 field names). Shapes are checked here; the regelverk (time
 * range, 24 h unless CAMP, status, attendance, references) is the one imports run.
 */
export class CreateActivityDto {
  @ApiProperty({ format: 'uuid', description: 'The organisation holding the activity' })
  @IsUUID()
  organisationId!: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: "A group of the activity's organisation" })
  @IsOptional()
  @IsUUID()
  groupId?: string | null;

  @ApiProperty({ enum: ACTIVITY_TYPES })
  @IsIn(ACTIVITY_TYPES)
  type!: ActivityType;

  @ApiProperty({ example: 'Träning P12' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(400)
  title!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'fotboll' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  sport?: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-12-01T17:00:00Z', description: 'ISO 8601 with an offset; answered in UTC' })
  @IsISO8601({ strict: true })
  startsAt!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-12-01T18:30:00Z', description: 'After startsAt; at most 24 h later unless the type is CAMP' })
  @IsISO8601({ strict: true })
  endsAt!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Vallhallahallen' })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  location?: string | null;

  @ApiPropertyOptional({ enum: ACTIVITY_STATUSES, description: 'Default PLANNED; PLANNED → HELD | CANCELLED, HELD and CANCELLED are final' })
  @IsOptional()
  @IsIn(ACTIVITY_STATUSES)
  status?: ActivityStatus | null;

  @ApiPropertyOptional({ type: [ParticipantDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ParticipantDto)
  participants?: ParticipantDto[] | null;
}
