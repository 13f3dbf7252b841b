import { OutboxBatch } from './outbox-batch';
import { decodeFrame } from './outbox-frame';

/** The rows of a batch as the relay reads them back. */
const rowsOf = (batch: OutboxBatch) => batch.offsets.map((o, i) => decodeFrame(Buffer.from(batch.bytes.subarray(o - 1, o - 1 + batch.lengths[i]))));

describe(OutboxBatch.name, () => {
  it('should frame each row so the relay reads back every message, written in place or copied', () => {
    const batch = new OutboxBatch(16); // tiny: every write grows the buffer
    const big = Buffer.alloc(5_000, 7);
    batch
      .begin('entity-1')
      .message('events', 'entity-1', (b, p) => (b.length - p < big.length ? -1 : p + big.copy(b, p)), { id: 'e1', 'stafett.entity.version': '1' })
      .message('state', 'entity-1', null)
      .end();
    batch.add('entity-2', [{ topic: 'results', key: null, value: Buffer.from('r'), headers: { id: 'r1' } }]);
    expect(batch.aggregateIds).toEqual(['entity-1', 'entity-2']);
    expect(rowsOf(batch)).toEqual([
      [
        { topic: 'events', key: 'entity-1', value: big, headers: { id: 'e1', 'stafett.entity.version': '1' } },
        { topic: 'state', key: 'entity-1', value: null, headers: {} },
      ],
      [{ topic: 'results', key: null, value: Buffer.from('r'), headers: { id: 'r1' } }],
    ]);
  });

  it('should refuse a message outside a row', () => {
    expect(() => new OutboxBatch().message('t', 'k', null)).toThrow('no outbox row is open');
  });
});
