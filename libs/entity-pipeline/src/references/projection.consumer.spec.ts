/** Review: a registry that is away while a state batch is decoded must retry the batch, not dead-letter it. */
import { TopicNames } from '@stafett/contracts';
import { TransientError, type AvroSerde, type ConsumedMessage, type KafkaClientPort } from '@stafett/kafka';
import { PipelineMetrics } from '../metrics/pipeline-metrics';
import { EntityProjectionConsumer, type ProjectionTarget } from './projection.consumer';

describe(EntityProjectionConsumer.name, () => {
  it('should not hand a state record to the DLQ when the schema registry is away', async () => {
    const topics = new TopicNames('');
    const applied: unknown[] = [];
    const tx = { query: async () => ({ rows: [] }) };
    const target = {
      name: 'widget',
      schema: 'widgets',
      topics,
      ready: async () => undefined,
      transaction: async <T>(work: (t: typeof tx) => Promise<T>) => work(tx),
      project: async (_tx: unknown, _entity: string, records: unknown[]) => {
        applied.push(...records);
        return [];
      },
    } as unknown as ProjectionTarget;
    const serde = {
      decode: async () => {
        throw new TransientError('REGISTRY_UNAVAILABLE', 'the schema registry did not answer');
      },
    } as unknown as AvroSerde;
    const consumer = new EntityProjectionConsumer(target, ['organisation'], {} as KafkaClientPort, serde, new PipelineMetrics());
    const message: ConsumedMessage = {
      topic: topics.state('organisation'),
      partition: 0,
      offset: '0',
      key: Buffer.from('7d6c0e1a-2f4b-4c7e-9a51-0b8f3c2d1e00'),
      value: Buffer.from([0, 0, 0, 0, 1, 2]),
      headers: { 'stafett.entity.version': Buffer.from('1') },
    } as unknown as ConsumedMessage;
    const handle = (consumer as unknown as { handle(ms: ConsumedMessage[]): Promise<{ failed: unknown[] }> }).handle.bind(consumer);
    // Either the batch is retried (the handler throws the transient error) or nothing is dead-lettered.
    const outcome = await handle([message]).then(
      (r) => r.failed.length,
      (e: unknown) => (e instanceof TransientError ? 'retried' : e),
    );
    expect(outcome).toBe('retried');
  });
});
