export * from './member-file.connector';
export * from './member-file-connector.module';
export * from './member-register-export.controller';
