import { Controller, Module } from '@nestjs/common';
import { PrometheusController, PrometheusModule } from '@willsoto/nestjs-prometheus';
import { PublicRoute } from './public-route';

/** `/metrics` is scraped without an API key (keep it off the public network; see docs/security.md). */
@PublicRoute()
@Controller()
export class MetricsController extends PrometheusController {}

/** Prometheus `/metrics` with the process's default metrics (CPU, RSS, event loop lag, GC). */
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true }, controller: MetricsController })],
  exports: [PrometheusModule],
})
export class MetricsModule {}
