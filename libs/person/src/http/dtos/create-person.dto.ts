import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { PersonStatus, Sex } from '@stafett/contracts';
import { AddressDto, GuardianDto, MembershipDto } from './person-parts.dto';

export const SEXES: readonly Sex[] = ['FEMALE', 'MALE', 'UNKNOWN'];
export const PERSON_STATUSES: readonly PersonStatus[] = ['ACTIVE', 'DECEASED', 'DEREGISTERED'];

/**
 * A new person (canonical model v1 field names). Shapes are checked here; the regelverk
 * (personnummer, birth date agreement, postal code, e-mail, phone) is the one imports run.
 */
export class CreatePersonDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: '201005172384', description: '12 digits (YYYYMMDDNNNN, a - or + before the last four is accepted); Luhn; samordningsnummer = day + 60' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  personalIdentityNumber?: string | null;

  @ApiProperty({ example: 'Anna' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  firstName!: string;

  @ApiProperty({ example: 'Berg' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  lastName!: string;

  @ApiPropertyOptional({ type: String, format: 'date', example: '2010-05-17', description: 'Required unless a personalIdentityNumber gives it' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  birthDate?: string | null;

  @ApiPropertyOptional({ enum: SEXES, description: 'Default: from the personalIdentityNumber, else UNKNOWN' })
  @IsOptional()
  @IsIn(SEXES)
  sex?: Sex | null;

  @ApiPropertyOptional({ type: AddressDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'anna@example.se' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '070-123 45 67', description: 'Stored as E.164' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string | null;

  @ApiPropertyOptional({ enum: PERSON_STATUSES, description: 'Default ACTIVE' })
  @IsOptional()
  @IsIn(PERSON_STATUSES)
  status?: PersonStatus | null;

  @ApiPropertyOptional({ type: [MembershipDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MembershipDto)
  memberships?: MembershipDto[] | null;

  @ApiPropertyOptional({ type: [GuardianDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => GuardianDto)
  guardians?: GuardianDto[] | null;

  @ApiPropertyOptional({ type: Boolean, description: 'LOK-stöd counts it; default false' })
  @IsOptional()
  @IsBoolean()
  disability?: boolean | null;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'true: the person has skyddade personuppgifter (DESIGN §3). Nothing of the person is kept: an existing person with this personalIdentityNumber (or id, on PATCH) is erased, the number is remembered only as a keyed hash, and the answer is 204 with no body.',
  })
  @IsOptional()
  @IsBoolean()
  protectedIdentity?: boolean | null;
}
