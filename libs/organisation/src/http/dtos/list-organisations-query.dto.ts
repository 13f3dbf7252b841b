import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { OrganisationType } from '@stafett/contracts';
import { ORGANISATION_TYPES } from '../../domain/organisation.model';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Paging of a list (`nextCursor` of the previous page). */
export class PageQueryDto {
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

/** Filters and paging of `GET /v1/organisations` (filters combine with AND). */
export class ListOrganisationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORGANISATION_TYPES })
  @IsOptional()
  @IsIn(ORGANISATION_TYPES)
  type?: OrganisationType;

  @ApiPropertyOptional({ example: 'ik sta', description: 'Case-insensitive prefix of the name' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: '0180', description: 'SCB kommunkod' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  municipalityCode?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The direct children of this organisation' })
  @IsOptional()
  @IsUUID()
  parentId?: string;
}
