import { registryEndpoint } from './registry-endpoint';

/** Readiness of the schema registry: its global compatibility config answers (the URL is reported without credentials). */
export async function checkSchemaRegistry(url: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const { baseUrl, authorization } = registryEndpoint(url);
  const res = await fetch(`${baseUrl}/config`, { signal, headers: { accept: 'application/vnd.schemaregistry.v1+json', ...(authorization ? { authorization } : {}) } });
  if (!res.ok) throw new Error(`registry answered ${res.status}`);
  const body = (await res.json()) as { compatibilityLevel?: string };
  return { url: baseUrl, compatibilityLevel: body.compatibilityLevel };
}
