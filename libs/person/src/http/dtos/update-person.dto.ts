import { ApiExtraModels, PartialType } from '@nestjs/swagger';
import { CreatePersonDto } from './create-person.dto';

/**
 * A partial update: fields left out keep their value; `null` clears a clearable field
 * (personalIdentityNumber, address, email, phone, memberships, guardians).
 */
@ApiExtraModels(CreatePersonDto)
export class UpdatePersonDto extends PartialType(CreatePersonDto) {}
