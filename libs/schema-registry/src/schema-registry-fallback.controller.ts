import { All, Controller, Next, Param, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from '@stafett/api';
import type { IncomingMessage } from 'node:http';
import { RegistryErrors } from './schema-registry.exception';
import { SchemaRegistryExceptionFilter } from './schema-registry-exception.filter';

/** The first path segments of the registry's API (Confluent's resources). */
const REGISTRY_NAMESPACES = new Set(['subjects', 'schemas', 'config', 'compatibility', 'mode', 'contexts']);

/**
 * Any other method or path of the registry answers Confluent's `{"error_code":404,…}`, as
 * Confluent answers unknown routes. Registered after `SchemaRegistryController` so its routes
 * win. Mounted under a prefix (`/registry`), everything under the prefix is the registry's;
 * mounted at the root of an app, only the registry's namespaces are: any other path is passed on
 * (`next()`) to the app's own routes and 404, never answered here.
 */
@ApiExcludeController()
// It only ever answers 404 (or passes on): no key needed to be told a route does not exist.
@PublicRoute()
@Controller()
@UseFilters(SchemaRegistryExceptionFilter)
export class SchemaRegistryFallbackController {
  @All('{*rest}')
  notFound(
    @Req() request: IncomingMessage & { path?: string },
    @Param('rest') rest: string[] | undefined,
    @Next() next: () => void,
  ): void {
    const segments = (rest ?? []).filter((s) => s !== '');
    const pathSegments = (request.path ?? '').split('/').filter((s) => s !== '');
    const mountedAtRoot = pathSegments.length === segments.length;
    if (mountedAtRoot && segments.length > 0 && !REGISTRY_NAMESPACES.has(segments[0])) {
      next();
      return;
    }
    throw RegistryErrors.notFound();
  }
}
