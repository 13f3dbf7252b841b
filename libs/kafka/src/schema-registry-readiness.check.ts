/** Readiness of the schema registry: its global compatibility config answers. */
export async function checkSchemaRegistry(baseUrl: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}/config`, { signal, headers: { accept: 'application/vnd.schemaregistry.v1+json' } });
  if (!res.ok) throw new Error(`registry answered ${res.status}`);
  const body = (await res.json()) as { compatibilityLevel?: string };
  return { url: baseUrl, compatibilityLevel: body.compatibilityLevel };
}
