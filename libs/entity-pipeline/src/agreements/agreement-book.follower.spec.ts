import { contractType, TopicNames, type ConnectorAgreement } from '@stafett/contracts';
import { AvroSerde, type ConsumedMessage, type KafkaClientPort, type SchemaRegistryPort } from '@stafett/kafka';
import { testAgreement } from '../test/agreement-factory';
import { AgreementBook } from './agreement-book';
import { AgreementBookFollower, CONNECTOR_AGREEMENT_CONTRACT } from './agreement-book.follower';

/** An in-memory registry (the serde's port), as the serde's own spec uses. */
class MemoryRegistry implements SchemaRegistryPort {
  private readonly schemas: string[] = [];
  async register(_subject: string, schema: string): Promise<number> {
    const at = this.schemas.indexOf(schema);
    return at >= 0 ? at + 1 : this.schemas.push(schema);
  }
  async schemaById(id: number): Promise<string> {
    return this.schemas[id - 1];
  }
}

describe(AgreementBookFollower.name, () => {
  const topics = new TopicNames('t.');
  const serde = new AvroSerde(new MemoryRegistry());
  let offset = 0;
  const message = (key: string | null, value: Buffer | null): ConsumedMessage => ({
    topic: topics.connectors,
    partition: 0,
    offset: String(offset++),
    key: key === null ? null : Buffer.from(key),
    value,
    headers: {},
    timestamp: '0',
  });
  const encoded = async (a: ConnectorAgreement) => (await serde.encoderFor<ConnectorAgreement>(topics.connectors, contractType(CONNECTOR_AGREEMENT_CONTRACT)))(a);
  const setUp = () => {
    const book = new AgreementBook();
    return { book, sut: new AgreementBookFollower(book, {} as KafkaClientPort, serde, topics) };
  };

  it('should put agreements, follow revisions and remove a connector on its tombstone', async () => {
    const { book, sut } = setUp();
    await sut.handle([
      message('a', await encoded(testAgreement('a', [{ entity: 'person', ownedFields: ['email'] }]))),
      message('b', await encoded(testAgreement('b', [{ entity: 'person', ownedFields: ['address'] }]))),
      message('a', await encoded(testAgreement('a', [{ entity: 'person', ownedFields: ['phone'] }], { revision: 2 }))),
    ]);
    expect([...book.policy('person')!.owners.keys()].sort()).toEqual(['address', 'phone']);
    await sut.handle([message('b', null)]);
    expect(book.get('b')).toBeUndefined();
    expect([...book.policy('person')!.owners.keys()]).toEqual(['phone']);
  });

  it('should hand back (for the DLQ) a record without a key, one not in the wire format, and one filed under another connector id', async () => {
    const { book, sut } = setUp();
    const keyless = message(null, await encoded(testAgreement('a', [])));
    const garbage = message('x', Buffer.from('not avro'));
    const misfiled = message('y', await encoded(testAgreement('z', [])));
    const good = message('a', await encoded(testAgreement('a', [{ entity: 'person', ownedFields: ['email'] }])));
    const { failed } = await sut.handle([keyless, garbage, misfiled, good]);
    expect(failed.map((f) => f.message)).toEqual([keyless, garbage, misfiled]);
    expect(book.list().map((a) => a.connectorId)).toEqual(['a']);
  });

  it('should keep its own consumer group per process (every process reads the whole topic)', () => {
    const first = setUp().sut.groupId;
    const second = setUp().sut.groupId;
    expect(first).toMatch(/^t\.stafett\.agreements\./);
    expect(first).not.toBe(second);
  });
});
