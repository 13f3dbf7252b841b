import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';

/** Prometheus `/metrics` with the process's default metrics (CPU, RSS, event loop lag, GC). */
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } })],
  exports: [PrometheusModule],
})
export class MetricsModule {}
