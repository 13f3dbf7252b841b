import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { InvalidConfigError, loadConfig, StafettConfigModule, type StafettConfig } from '@stafett/config';
import { LoggingModule } from '@stafett/observability';
import { memberFileExternalIdKey, MemberFileConnectorModule } from '@stafett/member-file';

/** The member-file connector alone. */
@Module({})
class ConnectorMemberFileAppModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return {
      module: ConnectorMemberFileAppModule,
      imports: [
        StafettConfigModule.forRoot(config),
        LoggingModule.forRoot({ serviceName: 'connector-member-file', level: config.logLevel }),
        // The platform this connector serves; alone, the all-in-one or an ingress in front of the domain services.
        MemberFileConnectorModule.forRoot({ externalIdKey: memberFileExternalIdKey(config), platformUrl: `http://127.0.0.1:${config.port}` }),
        // TODO(sdk): host the connector through the SDK's management module once libs/connectors is merged:
        //   ConnectorsModule.forRoot({ connectors: [MemberFileConnector] })  (runs, /v1/connectors, checkpoints, reports).
        //   Also: a PLATFORM_URL setting in libs/config for the export's `GET /v1/persons` when the connector runs apart from the platform.
      ],
    };
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await NestFactory.create<NestExpressApplication>(ConnectorMemberFileAppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(config.port);
  app.get(Logger).log(`connector-member-file listening on http://127.0.0.1:${config.port}`);
  process.stdout.write('ready\n');
}

main().catch((e: unknown) => {
  const message = e instanceof InvalidConfigError ? e.message : `failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  process.stderr.write(`connector-member-file: ${message}\n`);
  process.exit(1);
});
