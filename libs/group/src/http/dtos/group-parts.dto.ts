import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import type { Role } from '@stafett/contracts';
import { ROLES } from '../../domain/group.model';
import { IsCalendarDate } from './is-calendar-date';

/** A member of a group: a person in the register, in a role, from a date and, when it ended, to a date (the last day). */
export class MemberDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  personId!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiProperty({ type: String, format: 'date', example: '2024-01-01' })
  @IsCalendarDate()
  from!: string;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, description: 'The last day; not before from' })
  @IsOptional()
  @IsCalendarDate()
  to?: string | null;
}

/** The group's id in another system. */
export class ExternalIdDto {
  @ApiProperty({ example: 'idrottsonline' })
  system!: string;

  @ApiProperty({ example: 'group-4711' })
  id!: string;
}
