import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Filters and paging of `GET /v1/persons` (filters combine with AND). */
export class ListPersonsQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Persons with a membership (current or past) in this organisation' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({ example: 'ber', description: 'Case-insensitive prefix of the first or the last name' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ example: '201005172384', description: 'Exact personal identity number (normalized: 19900101-1234 finds 199001011234)' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  personalIdentityNumber?: string;

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
