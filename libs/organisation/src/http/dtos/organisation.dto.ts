import { ApiProperty } from '@nestjs/swagger';
import type { Organisation, OrganisationStatus, OrganisationType } from '@stafett/contracts';
import { ORGANISATION_STATUSES, ORGANISATION_TYPES } from '../../domain/organisation.model';
import { AddressDto, ExternalIdDto, FederationDto } from './organisation-parts.dto';

/** An organisation as the API answers it: the canonical model v1, every field present, plus `version` (also the ETag). */
export class OrganisationDto implements Required<Organisation> {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ORGANISATION_TYPES })
  type!: OrganisationType;

  @ApiProperty({ example: 'IK Stafett' })
  name!: string;

  @ApiProperty({ type: String, nullable: true, example: '8020001650' })
  organisationNumber!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  parentId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '0180' })
  municipalityCode!: string | null;

  @ApiProperty({ type: [String] })
  sports!: string[];

  @ApiProperty({ type: String, nullable: true })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '+46812345678' })
  phone!: string | null;

  @ApiProperty({ type: AddressDto, nullable: true })
  address!: AddressDto | null;

  @ApiProperty({ enum: ORGANISATION_STATUSES })
  status!: OrganisationStatus;

  @ApiProperty({ type: [ExternalIdDto] })
  externalIds!: ExternalIdDto[];

  @ApiProperty({ type: [FederationDto] })
  federations!: FederationDto[];

  @ApiProperty({ example: 1, description: '1 at creation, +1 per change; the ETag is "<version>"' })
  version!: number;
}

/** One page of organisations; `nextCursor` is null on the last page. */
export class OrganisationPageDto {
  @ApiProperty({ type: [OrganisationDto] })
  items!: OrganisationDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page' })
  nextCursor!: string | null;
}
