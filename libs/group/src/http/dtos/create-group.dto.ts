import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import type { GroupStatus, GroupType } from '@stafett/contracts';
import { GROUP_STATUSES, GROUP_TYPES } from '../../domain/group.model';
import { MemberDto } from './group-parts.dto';

/** A new group (canonical model v1 field names). Shapes are checked here; the regelverk (references, dates, overlaps) is the one imports run. */
export class CreateGroupDto {
  @ApiProperty({ format: 'uuid', description: 'The organisation the group belongs to' })
  @IsUUID()
  organisationId!: string;

  @ApiProperty({ example: 'P15 Blå' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(400)
  name!: string;

  @ApiProperty({ enum: GROUP_TYPES })
  @IsIn(GROUP_TYPES)
  type!: GroupType;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'fotboll' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  sport?: string | null;

  @ApiPropertyOptional({ type: [MemberDto], description: 'A person may appear more than once, with periods that do not overlap' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MemberDto)
  members?: MemberDto[] | null;

  @ApiPropertyOptional({ enum: GROUP_STATUSES, description: 'Default ACTIVE' })
  @IsOptional()
  @IsIn(GROUP_STATUSES)
  status?: GroupStatus | null;
}
