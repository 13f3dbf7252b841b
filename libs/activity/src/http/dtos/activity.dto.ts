import { ApiProperty } from '@nestjs/swagger';
import type { ActivityStatus, ActivityType } from '@stafett/contracts';
import { ACTIVITY_STATUSES, ACTIVITY_TYPES } from '../../domain/activity.model';
import { ExternalIdDto, ParticipantDto } from './activity-parts.dto';

/** An activity as the API answers it: the canonical model v1 (instants as ISO 8601 UTC), every field present, plus `version` (also the ETag). */
export class ActivityDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  organisationId!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  groupId!: string | null;

  @ApiProperty({ enum: ACTIVITY_TYPES })
  type!: ActivityType;

  @ApiProperty({ example: 'Träning P12' })
  title!: string;

  @ApiProperty({ type: String, nullable: true })
  sport!: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-12-01T17:00:00.000Z' })
  startsAt!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-12-01T18:30:00.000Z' })
  endsAt!: string;

  @ApiProperty({ type: String, nullable: true })
  location!: string | null;

  @ApiProperty({ enum: ACTIVITY_STATUSES })
  status!: ActivityStatus;

  @ApiProperty({ type: [ParticipantDto] })
  participants!: { personId: string; role: ParticipantDto['role']; attended: boolean }[];

  @ApiProperty({ type: [ExternalIdDto] })
  externalIds!: ExternalIdDto[];

  @ApiProperty({ example: 1, description: '1 at creation, +1 per change; the ETag is "<version>"' })
  version!: number;
}

/** One page of activities; `nextCursor` is null on the last page. */
export class ActivityPageDto {
  @ApiProperty({ type: [ActivityDto] })
  items!: ActivityDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page' })
  nextCursor!: string | null;
}
