import { HttpException } from '@nestjs/common';
import { PermanentError, TransientError, type SchemaRegistryPort } from '@stafett/kafka';
import type { SchemaRegistryService } from './schema-registry.service';

/**
 * The serde's registry port served by the built-in registry of the same process (all-in-one
 * mode): no HTTP round trip, and usable while the app is still starting (before it listens).
 */
export class InProcessSchemaRegistryClient implements SchemaRegistryPort {
  constructor(private readonly registry: SchemaRegistryService) {}

  async register(subject: string, schema: string): Promise<number> {
    return (await this.call(() => this.registry.register(subject, { schema }))).id;
  }

  async schemaById(id: number): Promise<string> {
    return (await this.call(() => this.registry.schemaById(id))).schema;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof HttpException) {
        const status = e.getStatus();
        const code = status === 409 ? 'INCOMPATIBLE_SCHEMA' : status === 404 ? 'UNKNOWN_SCHEMA' : 'REGISTRY_REJECTED';
        if (status < 500) throw new PermanentError(code, `schema registry: ${e.message}`, { cause: e });
      }
      throw new TransientError('REGISTRY_ERROR', `schema registry: ${(e as Error).message}`, { cause: e });
    }
  }
}
