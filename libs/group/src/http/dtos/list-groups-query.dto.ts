import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { GroupType } from '@stafett/contracts';
import { GROUP_TYPES } from '../../domain/group.model';
import { IsCalendarDate } from './is-calendar-date';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

/** Filters and paging of `GET /v1/groups` (filters combine with AND). */
export class ListGroupsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Groups of this organisation' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({ example: 'p15', description: 'Case-insensitive prefix of the name' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: GROUP_TYPES })
  @IsOptional()
  @IsIn(GROUP_TYPES)
  type?: GroupType;

  @ApiPropertyOptional({ format: 'uuid', description: 'Groups this person is (or was) a member of' })
  @IsOptional()
  @IsUUID()
  personId?: string;
}

/** Paging of `GET /v1/groups/:id/members`, optionally only those in force on a day. */
export class ListMembersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: String, format: 'date', example: '2025-03-01', description: 'Only the members whose period includes this day' })
  @IsOptional()
  @IsCalendarDate()
  on?: string;
}
