import { ApiExtraModels, PartialType } from '@nestjs/swagger';
import { CreateActivityDto } from './create-activity.dto';

/** A partial update: fields left out keep their value; `null` clears a clearable field (groupId, sport, location, participants). */
@ApiExtraModels(CreateActivityDto)
export class UpdateActivityDto extends PartialType(CreateActivityDto) {}
