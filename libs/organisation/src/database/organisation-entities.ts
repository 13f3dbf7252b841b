import { OrganisationExternalIdEntity } from './external-id.entity';
import { FederationEntity } from './federation.entity';
import { OrganisationEntity } from './organisation.entity';

/** The organisation service's tables as entities: add them to the DataSource of the app that imports `OrganisationModule`. */
export const ORGANISATION_ENTITIES = [OrganisationEntity, FederationEntity, OrganisationExternalIdEntity];
