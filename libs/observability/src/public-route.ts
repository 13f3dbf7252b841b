import { SetMetadata } from '@nestjs/common';

/** Metadata key of `@PublicRoute()`: the API key guard lets such a route through without a key. */
export const PUBLIC_ROUTE = 'stafett:public-route';

/**
 * Marks a controller or route as open to anyone, on purpose: health probes, metrics, the registry's
 * reads. Everything else needs an API key (the global guard of `@stafett/api`), and a test walks
 * every route of the all-in-one app to keep it so.
 */
export const PublicRoute = (): ClassDecorator & MethodDecorator => SetMetadata(PUBLIC_ROUTE, true);
