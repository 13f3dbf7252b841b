import { ApiProperty } from '@nestjs/swagger';
import type { Person, PersonStatus, Sex } from '@stafett/contracts';
import { PERSON_STATUSES, SEXES } from './create-person.dto';
import { AddressDto, ExternalIdDto, GuardianDto, MembershipDto } from './person-parts.dto';

/** A person as the API answers it: the canonical model v1, every field present, plus `version` (also the ETag). */
export class PersonDto implements Required<Person> {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, example: '201005172384' })
  personalIdentityNumber!: string | null;

  @ApiProperty({ example: 'Anna' })
  firstName!: string;

  @ApiProperty({ example: 'Berg' })
  lastName!: string;

  @ApiProperty({ type: String, format: 'date', example: '2010-05-17' })
  birthDate!: string;

  @ApiProperty({ enum: SEXES })
  sex!: Sex;

  @ApiProperty({ type: AddressDto, nullable: true })
  address!: AddressDto | null;

  @ApiProperty({ type: String, nullable: true })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '+46701234567' })
  phone!: string | null;

  @ApiProperty({ enum: PERSON_STATUSES })
  status!: PersonStatus;

  @ApiProperty({ type: [MembershipDto] })
  memberships!: MembershipDto[];

  @ApiProperty({ type: [GuardianDto] })
  guardians!: GuardianDto[];

  @ApiProperty()
  disability!: boolean;

  @ApiProperty({ type: [ExternalIdDto] })
  externalIds!: ExternalIdDto[];

  @ApiProperty({ example: 1, description: '1 at creation, +1 per change; the ETag is "<version>"' })
  version!: number;
}

/** One page of persons; `nextCursor` is null on the last page. */
export class PersonPageDto {
  @ApiProperty({ type: [PersonDto] })
  items!: PersonDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page' })
  nextCursor!: string | null;
}
