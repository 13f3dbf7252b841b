import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsCalendarDate } from './is-calendar-date';

/** A postal address (canonical model v1). */
export class AddressDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Storgatan 1' })
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

/** A membership in an organisation, from a date and, when it ended, to a date. */
export class MembershipDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  organisationId!: string;

  @ApiProperty({ type: String, format: 'date', example: '2024-01-01' })
  @IsCalendarDate()
  from!: string;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true })
  @IsOptional()
  @IsCalendarDate()
  to?: string | null;
}

/** A guardian: another person in the register. */
export class GuardianDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  personId!: string;
}

/** The person's id in another system. */
export class ExternalIdDto {
  @ApiProperty({ example: 'idrottsonline' })
  system!: string;

  @ApiProperty({ example: 'member-4711' })
  id!: string;
}
