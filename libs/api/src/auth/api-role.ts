import { SetMetadata } from '@nestjs/common';
import { PUBLIC_ROUTE, PublicRoute } from '@stafett/observability';

/**
 * What a key may do. `admin` implies the others and alone manages keys (`/v1/api-keys`) and writes
 * to the schema registry; `read` reads the register (GET); `import` writes it (POST/PATCH/DELETE
 * of resources, `POST /v1/imports`) and reads its own import reports, but not persons.
 */
export const API_ROLES = ['admin', 'read', 'import'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export const REQUIRED_ROLES = 'stafett:required-roles';

/** The route needs a key with one of these roles (admin always passes). */
export const RequireRole = (...roles: ApiRole[]): ClassDecorator & MethodDecorator => SetMetadata(REQUIRED_ROLES, roles);

/** The route is open without a key (health, metrics, registry reads): say so on purpose. */
export { PUBLIC_ROUTE, PublicRoute };

/** Routes that declare no role: reads need `read`, anything else `import`. */
export function defaultRoles(method: string): readonly ApiRole[] {
  return ['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) ? ['read'] : ['import'];
}

/** Whether a key with `held` may use a route that needs one of `required`. */
export function grants(held: readonly ApiRole[], required: readonly ApiRole[]): boolean {
  return held.includes('admin') || required.some((r) => held.includes(r));
}

export const isApiRole = (v: unknown): v is ApiRole => typeof v === 'string' && (API_ROLES as readonly string[]).includes(v);
