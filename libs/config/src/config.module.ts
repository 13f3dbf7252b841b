import { DynamicModule, Global, Module } from '@nestjs/common';
import { STAFETT_CONFIG, type StafettConfig } from './stafett-config';

/** Makes the boot-time config injectable everywhere as `@Inject(STAFETT_CONFIG)`. */
@Global()
@Module({})
export class StafettConfigModule {
  static forRoot(config: StafettConfig): DynamicModule {
    return { module: StafettConfigModule, providers: [{ provide: STAFETT_CONFIG, useValue: config }], exports: [STAFETT_CONFIG] };
  }
}
