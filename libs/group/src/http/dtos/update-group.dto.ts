import { ApiExtraModels, PartialType } from '@nestjs/swagger';
import { CreateGroupDto } from './create-group.dto';

/** A partial update: fields left out keep their value; `null` clears a clearable field (sport, members). */
@ApiExtraModels(CreateGroupDto)
export class UpdateGroupDto extends PartialType(CreateGroupDto) {}
