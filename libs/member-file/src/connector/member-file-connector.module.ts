import { createHmac } from 'node:crypto';
import { DynamicModule, Module } from '@nestjs/common';
import type { StafettConfig } from '@stafett/config';
import { MEMBER_FILE_EXTERNAL_ID_KEY, MemberFileConnector } from './member-file.connector';
import { MEMBER_FILE_PLATFORM_URL, MemberRegisterExportController } from './member-register-export.controller';

/**
 * The key of the external ids a member file derives from a personnummer: from the protected-identity
 * secret (STAFETT_PROTECTED_IDENTITY_KEY), else a development key from DATABASE_URL (as the person
 * service does). Changing it changes those ids: rows without a member number would link anew (the
 * person is still matched by personnummer, so no duplicate, but a new link is added).
 */
export function memberFileExternalIdKey(config: StafettConfig): Buffer {
  const url = new URL(config.databaseUrl);
  url.password = '';
  return createHmac('sha256', config.protectedIdentityKey ?? `stafett development key ${url.toString()}`)
    .update('stafett member-file external ids')
    .digest();
}

export interface MemberFileConnectorOptions {
  /** Secret key of derived external ids ({@link memberFileExternalIdKey}). */
  readonly externalIdKey: Buffer;
  /** Base URL of the platform's REST API, for the register export. */
  readonly platformUrl: string;
}

/** The member-file connector (for the SDK's ConnectorsModule) and the register export endpoint. */
@Module({})
export class MemberFileConnectorModule {
  static forRoot(options: MemberFileConnectorOptions): DynamicModule {
    return {
      module: MemberFileConnectorModule,
      controllers: [MemberRegisterExportController],
      providers: [
        { provide: MEMBER_FILE_EXTERNAL_ID_KEY, useValue: options.externalIdKey },
        { provide: MEMBER_FILE_PLATFORM_URL, useValue: options.platformUrl },
        MemberFileConnector,
      ],
      exports: [MemberFileConnector, MEMBER_FILE_EXTERNAL_ID_KEY, MEMBER_FILE_PLATFORM_URL],
    };
  }
}
