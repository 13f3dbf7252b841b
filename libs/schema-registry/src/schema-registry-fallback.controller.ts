import { All, Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RegistryErrors } from './schema-registry.exception';
import { SchemaRegistryExceptionFilter } from './schema-registry-exception.filter';
import { SchemaRegistryHttpInterceptor } from './schema-registry-http.interceptor';

/**
 * Any other method or path inside the registry's namespaces (`/subjects…`, `/schemas…`,
 * `/config…`, `/compatibility…`) answers Confluent's `{"error_code":404,…}`. Registered after
 * `SchemaRegistryController` so its routes win; it covers only these prefixes, never the app's
 * other routes, also when the registry is mounted at the root.
 */
@ApiExcludeController()
@Controller()
@UseFilters(SchemaRegistryExceptionFilter)
@UseInterceptors(SchemaRegistryHttpInterceptor)
export class SchemaRegistryFallbackController {
  @All(['subjects{/*rest}', 'schemas{/*rest}', 'config{/*rest}', 'compatibility{/*rest}'])
  notFound(): never {
    throw RegistryErrors.notFound();
  }
}
