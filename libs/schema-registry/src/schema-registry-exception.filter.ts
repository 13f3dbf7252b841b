import { Catch, HttpException, Logger, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ProblemException } from '@stafett/api';
import type { ServerResponse } from 'node:http';
import { RegistryErrors, type SchemaRegistryErrorBody } from './schema-registry.exception';
import { REGISTRY_CONTENT_TYPE } from './schema-registry-http.interceptor';

/**
 * Answers every error of the registry's controllers in Confluent's shape
 * (`{"error_code": 40401, "message": "…"}`), whatever the app's global filters do elsewhere.
 * Bound with `@UseFilters` on the registry controllers only.
 */
@Catch()
export class SchemaRegistryExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('SchemaRegistry');

  catch(exception: unknown, host: ArgumentsHost): void {
    const { status, body } = this.toError(exception);
    const response = host.switchToHttp().getResponse<ServerResponse>();
    if (response.headersSent) {
      response.end();
      return;
    }
    response.statusCode = status;
    // A refused key: the challenge of the problem (Bearer), and Basic, which Confluent clients answer.
    if (exception instanceof ProblemException) {
      for (const [name, value] of Object.entries(exception.headers)) response.setHeader(name, name.toLowerCase() === 'www-authenticate' ? [value, 'Basic realm="stafett-registry"'] : value);
    }
    // The type the registry's interceptor negotiated, if it ran; else Confluent's.
    if (!response.hasHeader('Content-Type')) response.setHeader('Content-Type', REGISTRY_CONTENT_TYPE);
    response.end(JSON.stringify(body));
  }

  private toError(exception: unknown): { status: number; body: SchemaRegistryErrorBody } {
    // 401/403 of the API key guard, in Confluent's shape (its error_code for these is the status).
    if (exception instanceof ProblemException) return { status: exception.problem.status, body: { error_code: exception.problem.status, message: exception.problem.detail } };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'object' && 'error_code' in response) {
        return { status, body: response as SchemaRegistryErrorBody };
      }
      return { status, body: { error_code: status, message: exception.message } };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    const error = RegistryErrors.backendStore();
    return { status: error.getStatus(), body: error.getResponse() as SchemaRegistryErrorBody };
  }
}

/**
 * For an app that is the registry alone (`startSchemaRegistry`, `apps/schema-registry`): a route
 * nobody serves answers Confluent's `{"error_code":404,"message":"HTTP 404 Not Found"}` instead of
 * Nest's shape. Install with `app.useGlobalFilters(new SchemaRegistryNotFoundFilter())`.
 */
@Catch(NotFoundException)
export class SchemaRegistryNotFoundFilter implements ExceptionFilter {
  private readonly registryFilter = new SchemaRegistryExceptionFilter();

  catch(_exception: NotFoundException, host: ArgumentsHost): void {
    this.registryFilter.catch(RegistryErrors.notFound(), host);
  }
}
