import { ApiProperty } from '@nestjs/swagger';
import type { Group, GroupStatus, GroupType } from '@stafett/contracts';
import { GROUP_STATUSES, GROUP_TYPES } from '../../domain/group.model';
import { ExternalIdDto, MemberDto } from './group-parts.dto';

/** A group as the API answers it: the canonical model v1, every field present, plus `version` (also the ETag). */
export class GroupDto implements Required<Group> {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  organisationId!: string;

  @ApiProperty({ example: 'P15 Blå' })
  name!: string;

  @ApiProperty({ enum: GROUP_TYPES })
  type!: GroupType;

  @ApiProperty({ type: String, nullable: true, example: 'fotboll' })
  sport!: string | null;

  @ApiProperty({ type: [MemberDto] })
  members!: MemberDto[];

  @ApiProperty({ enum: GROUP_STATUSES })
  status!: GroupStatus;

  @ApiProperty({ type: [ExternalIdDto] })
  externalIds!: ExternalIdDto[];

  @ApiProperty({ example: 1, description: '1 at creation, +1 per change; the ETag is "<version>"' })
  version!: number;
}

/** One page of groups; `nextCursor` is null on the last page. */
export class GroupPageDto {
  @ApiProperty({ type: [GroupDto] })
  items!: GroupDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page' })
  nextCursor!: string | null;
}

/** One page of a group's members, in the group's order; `nextCursor` is null on the last page. */
export class MemberPageDto {
  @ApiProperty({ type: [MemberDto] })
  items!: MemberDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page' })
  nextCursor!: string | null;
}
