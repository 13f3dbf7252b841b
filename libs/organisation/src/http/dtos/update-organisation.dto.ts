import { ApiExtraModels, PartialType } from '@nestjs/swagger';
import { CreateOrganisationDto } from './create-organisation.dto';

/**
 * A partial update: fields left out keep their value; `null` clears a clearable field
 * (organisationNumber, parentId, municipalityCode, sports, email, phone, address, federations).
 */
@ApiExtraModels(CreateOrganisationDto)
export class UpdateOrganisationDto extends PartialType(CreateOrganisationDto) {}
