import { GroupEntity } from './group.entity';
import { MemberEntity } from './member.entity';

/** The group service's tables as entities: add them to the DataSource of the app that imports `GroupModule`. */
export const GROUP_ENTITIES = [GroupEntity, MemberEntity];
