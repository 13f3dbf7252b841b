import { DynamicModule, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { LOG_REDACT_PATHS, redactPersonnummer } from './redact';

export interface LoggingOptions {
  readonly serviceName: string;
  readonly level: string;
}

export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** JSON logs (pino) with the service name, a correlation id per request and personnummer redacted. */
export function pinoOptions(options: LoggingOptions) {
  return {
    name: options.serviceName,
    level: options.level,
    redact: { paths: [...LOG_REDACT_PATHS], censor: '[redacted]' },
    hooks: {
      logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactPersonnummer(a) : a)));
      },
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
              return typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
            },
            customAttributeKeys: { reqId: 'correlationId' },
            autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, url: redactPersonnummer(req.url) }),
            },
          },
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
