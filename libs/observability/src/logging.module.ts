import { DynamicModule, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { LOG_REDACT_PATHS, loggablePath, redactLogFields, redactText } from './redact';

export interface LoggingOptions {
  readonly serviceName: string;
  readonly level: string;
}

export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** The route a request matched (`/v1/persons/:id`), when Express knows it. */
function routeOf(req: IncomingMessage & { route?: { path?: unknown }; baseUrl?: string }): string | undefined {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined;
}

/**
 * JSON logs (pino) with the service name, a correlation id per request, and personal data kept
 * out (see redact.ts): every string of a record is redacted, known fields are removed by path, and
 * requests are logged by method, path and route — never the query, the headers or the body.
 */
export function pinoOptions(options: LoggingOptions) {
  return {
    name: options.serviceName,
    level: options.level,
    redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' },
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)));
      },
    },
    formatters: {
      log: (record: Record<string, unknown>) => redactLogFields(record) as Record<string, unknown>,
    },
  };
}

@Module({})
export class LoggingModule {
  static forRoot(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            ...pinoOptions(options),
            genReqId: (req: IncomingMessage) => {
              const given = req.headers[CORRELATION_ID_HEADER];
              return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
            },
            customAttributeKeys: { reqId: 'correlationId' },
            autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
            serializers: {
              req: (req: IncomingMessage & { raw?: IncomingMessage }) => {
                const raw = (req.raw ?? req) as IncomingMessage & { originalUrl?: string };
                const route = routeOf(raw);
                return { method: req.method, path: loggablePath(raw.originalUrl ?? req.url), ...(route ? { route } : {}) };
              },
              res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
