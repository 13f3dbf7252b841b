import { Catch, HttpException, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { describeError, redactPersonnummer } from '@stafett/observability';
import { PROBLEM_CONTENT_TYPE, ProblemException, Problems, ProblemType, type ProblemDetails } from './problem-details';
import { fieldErrorsOfStockPipe } from './validation-problem';

/** What body-parser (Express's JSON parser) throws: a status and a `type` such as `entity.parse.failed`. */
interface ParserError {
  readonly status?: number;
  readonly statusCode?: number;
  readonly type?: string;
}

/** The paths whose errors are problems. */
const API_PATH = /^\/v1(\/|\?|$)/;

/**
 * Answers every error under `/v1` as RFC 9457 `application/problem+json`: `ProblemException`s as
 * they are, the stock ValidationPipe's 400 as 422 with one entry per field, other HTTP errors with
 * their status, anything else as a 500 that says nothing of the cause (which is logged,
 * quoted values and personal data redacted). Errors of other paths (health, registry…) go to Nest's default handling.
 * Bound on the `/v1` controllers (`ApiResource`) and globally by `ApiModule`, which covers what
 * happens before a controller is chosen: a body that is not JSON, an unknown `/v1` route.
 */
@Catch()
export class ProblemDetailsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('api');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return super.catch(exception, host);
    const http = host.switchToHttp();
    const request = http.getRequest<IncomingMessage & { originalUrl?: string }>();
    const url = request.originalUrl ?? request.url ?? '';
    if (!API_PATH.test(url)) return super.catch(exception, host);
    const response = http.getResponse<ServerResponse>();
    const problem = this.toProblem(exception);
    const body: ProblemDetails = { ...problem.problem, instance: pathOf(url) };
    if (response.headersSent) {
      response.end();
      return;
    }
    response.statusCode = body.status;
    for (const [name, value] of Object.entries(problem.headers)) response.setHeader(name, value);
    response.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    response.end(JSON.stringify(body));
  }

  toProblem(exception: unknown): ProblemException {
    if (exception instanceof ProblemException) return exception;
    // Express's body parser (the adapter wraps its errors in HttpExceptions, with the original as cause).
    const parser = parserError(exception instanceof HttpException ? exception.cause : exception);
    if (parser) {
      if (parser.type === 'entity.parse.failed') return Problems.malformedRequest('The request body is not valid JSON.');
      return new ProblemException({
        type: ProblemType.blank,
        title: STATUS_CODES[parser.status] ?? 'Error',
        status: parser.status,
        detail: `The request body was refused (${parser.type}).`,
      });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const stock = status === 400 ? fieldErrorsOfStockPipe(exception.getResponse()) : undefined;
      if (stock?.bodyLevel) return Problems.malformedRequest('The request body must be a JSON object.');
      if (stock) return Problems.validation(stock.errors);
      return new ProblemException({ type: ProblemType.blank, title: STATUS_CODES[status] ?? 'Error', status, detail: exception.message });
    }
    this.logger.error(describeError(exception, 4_000));
    return new ProblemException({ type: ProblemType.internal, title: 'Internal server error', status: 500, detail: 'The request failed on the server; it has been logged.' });
  }
}

/** A client error of body-parser (`entity.parse.failed`, `entity.too.large`…), if that is what `e` is. */
function parserError(e: unknown): { type: string; status: number } | undefined {
  const candidate = e as ParserError | null | undefined;
  const status = candidate?.status ?? candidate?.statusCode;
  if (typeof candidate?.type === 'string' && candidate.type.startsWith('entity.') && typeof status === 'number' && status >= 400 && status < 500) {
    return { type: candidate.type, status };
  }
  return undefined;
}

/**
 * The path of a request URL: the query may hold a personnummer or a name, and the problem needs
 * neither; a personnummer sent where an id belongs is masked in the path too.
 */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  // A uuid's digit groups can look like a personnummer: ids are left as they are.
  return path
    .split('/')
    .map((segment) => (UUID.test(segment) ? segment : redactPersonnummer(segment)))
    .join('/');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
