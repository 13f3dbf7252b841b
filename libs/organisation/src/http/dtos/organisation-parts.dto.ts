import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/** A postal address (canonical model v1). */
export class AddressDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Idrottens väg 1' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  street?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '11455', description: '5 digits for SE (a space is accepted and removed)' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  postalCode?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Stockholm' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  city?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'SE', description: 'ISO 3166-1 alpha-2; default SE' })
  @IsOptional()
  @IsString()
  @MaxLength(2)
  countryCode?: string | null;
}

/** A club's membership of a federation (specialidrottsförbund), for one sport or, without `sport`, for all. */
export class FederationDto {
  @ApiProperty({ format: 'uuid', description: 'A FEDERATION' })
  @IsUUID()
  organisationId!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Fotboll' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sport?: string | null;
}

/** The organisation's id in another system. */
export class ExternalIdDto {
  @ApiProperty({ example: 'idrottsonline' })
  system!: string;

  @ApiProperty({ example: 'forening-4711' })
  id!: string;
}
