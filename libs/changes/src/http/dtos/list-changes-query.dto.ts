import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ENTITY_TYPES, type EntityName } from '@stafett/contracts';
import { DEFAULT_CHANGES_PAGE, MAX_CHANGES_PAGE } from '../../changes-options';

/** Longest cursor this API hands out is ~30 characters; anything much longer is refused before decoding. */
export const MAX_CURSOR_LENGTH = 256;

/** Paging of `GET /v1/changes`. */
export class ListChangesQueryDto {
  @ApiPropertyOptional({ enum: ENTITY_TYPES, description: 'Only the changes of this entity type; default all' })
  @IsOptional()
  @IsIn(ENTITY_TYPES)
  entity?: EntityName;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page; absent = from the oldest change kept' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  since?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CHANGES_PAGE, default: DEFAULT_CHANGES_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_CHANGES_PAGE)
  limit?: number;
}
