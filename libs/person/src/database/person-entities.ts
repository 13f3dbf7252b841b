import { ExternalIdEntity } from './external-id.entity';
import { GuardianEntity } from './guardian.entity';
import { MembershipEntity } from './membership.entity';
import { PersonEntity } from './person.entity';
import { ProtectedIdentityEntity } from './protected-identity.entity';
import { SettingEntity } from './setting.entity';

/** The person service's tables as entities: add them to the DataSource of the app that imports `PersonModule`. */
export const PERSON_ENTITIES = [PersonEntity, MembershipEntity, GuardianEntity, ExternalIdEntity, ProtectedIdentityEntity, SettingEntity];
