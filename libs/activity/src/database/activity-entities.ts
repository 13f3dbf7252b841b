import { ActivityEntity } from './activity.entity';
import { ActivityExternalIdEntity } from './external-id.entity';
import { ParticipantEntity } from './participant.entity';

/** The activity service's tables as entities: add them to the DataSource of the app that imports `ActivityModule`. */
export const ACTIVITY_ENTITIES = [ActivityEntity, ParticipantEntity, ActivityExternalIdEntity];
