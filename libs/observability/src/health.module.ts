import { Controller, DynamicModule, Get, Inject, Module, type FactoryProvider } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TerminusModule,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { PublicRoute } from './public-route';

/** One dependency that must answer for the service to be ready (Postgres, Kafka, registry…). */
export interface ReadinessCheck {
  readonly name: string;
  /** Default 3000 ms: a dependency that does not answer in time counts as down. */
  readonly timeoutMs?: number;
  run(signal: AbortSignal): Promise<Record<string, unknown> | void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

@ApiTags('health')
@PublicRoute()
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[],
  ) {}

  /** The process is up (no dependency is consulted). */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /** Every dependency answers: 200 with each one's state, else 503 naming the one that is down. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      this.checks.map(
        (c) => (): PromiseLike<HealthIndicatorResult> =>
          this.indicators
            .check(c.name)
            .attempt(({ signal }) => c.run(signal))
            .withTimeout(c.timeoutMs ?? 3_000),
      ),
    );
  }
}

@Module({})
export class HealthModule {
  /** `checks` builds the readiness checks from providers of the importing module. */
  static forRoot(checks: Omit<FactoryProvider<readonly ReadinessCheck[]>, 'provide'>): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false, gracefulShutdownTimeoutMs: 0 })],
      controllers: [HealthController],
      providers: [{ ...checks, provide: READINESS_CHECKS }],
    };
  }
}
