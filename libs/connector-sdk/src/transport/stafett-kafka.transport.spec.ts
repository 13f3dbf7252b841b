import type { AvroSerde, KafkaClientPort } from '@stafett/kafka';
import { Registry } from 'prom-client';
import { StafettKafkaTransport } from './stafett-kafka.transport';

describe(StafettKafkaTransport.name, () => {
  // Construction touches neither Kafka nor the registry; the behaviour is in the integration spec.
  const deps = { kafka: {} as KafkaClientPort, serde: {} as AvroSerde };

  it('should name its consumer group after the connector instance, behind the topic prefix', () => {
    expect(new StafettKafkaTransport({ ...deps, connectorId: 'member-file-1' }).groupId).toBe('stafett-connector-member-file-1');
    expect(new StafettKafkaTransport({ ...deps, connectorId: 'member-file-1', topicPrefix: 't1.' }).groupId).toBe('t1.stafett-connector-member-file-1');
  });

  it('should let several connector instances share one metrics registry', async () => {
    const registry = new Registry();
    new StafettKafkaTransport({ ...deps, connectorId: 'a', registry });
    new StafettKafkaTransport({ ...deps, connectorId: 'b', registry });
    expect(await registry.getMetricsAsJSON()).toEqual([expect.objectContaining({ name: 'stafett_connector_sink_messages_total' })]);
  });

  it.each([[''], ['a b'], ['x'.repeat(201)], ['ä'], ['id\n']])('should refuse the connector id %j, which cannot name a consumer group', (connectorId) => {
    expect(() => new StafettKafkaTransport({ ...deps, connectorId })).toThrow(/connectorId must be 1-200 characters of letters, digits/);
  });
});
