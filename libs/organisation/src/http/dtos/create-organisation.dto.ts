import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import type { OrganisationStatus, OrganisationType } from '@stafett/contracts';
import { ORGANISATION_STATUSES, ORGANISATION_TYPES } from '../../domain/organisation.model';
import { AddressDto, FederationDto } from './organisation-parts.dto';

/**
 * A new organisation (canonical model v1 field names). Shapes are checked here; the regelverk
 * (organisationsnummer, municipality code, postal code, e-mail, phone, the hierarchy) is the one imports run.
 */
export class CreateOrganisationDto {
  @ApiProperty({ enum: ORGANISATION_TYPES, description: 'CONFEDERATION (RF) · FEDERATION (specialidrottsförbund) · DISTRICT · CLUB (förening) · SECTION · OTHER' })
  @IsIn(ORGANISATION_TYPES)
  type!: OrganisationType;

  @ApiProperty({ example: 'IK Stafett' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(400)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '802000-1650', description: '10 digits (NNNNNN-NNNN accepted); third digit ≥ 2; Luhn' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  organisationNumber?: string | null;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'FEDERATION: a CONFEDERATION or none · DISTRICT: a FEDERATION or CONFEDERATION · CLUB: a DISTRICT, FEDERATION or none · SECTION: a CLUB (required) · OTHER: any',
  })
  @IsOptional()
  @IsUUID()
  parentId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '0180', description: 'SCB kommunkod, 4 digits' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  municipalityCode?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['Fotboll', 'Friidrott'], description: 'Trimmed, blank ones refused, duplicates dropped' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  sports?: string[] | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'kansli@ikstafett.se' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '08-123 456 78', description: 'Stored as E.164' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string | null;

  @ApiPropertyOptional({ type: AddressDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;

  @ApiPropertyOptional({ enum: ORGANISATION_STATUSES, description: 'Default ACTIVE' })
  @IsOptional()
  @IsIn(ORGANISATION_STATUSES)
  status?: OrganisationStatus | null;

  @ApiPropertyOptional({ type: [FederationDto], description: 'CLUB only: the FEDERATIONs it belongs to, per sport' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => FederationDto)
  federations?: FederationDto[] | null;
}
