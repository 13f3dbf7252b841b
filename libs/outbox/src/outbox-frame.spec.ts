import { decodeFrame, encodeFrame, type FramedMessage } from './outbox-frame';

describe('outbox frame', () => {
  it('should give back every message with its topic, key, value and headers', () => {
    const messages: FramedMessage[] = [
      {
        topic: 'stafett.person.events.v1',
        key: 'a1',
        value: Buffer.from([0, 0, 0, 0, 7, 1, 2, 3]),
        headers: { id: 'e-1', 'stafett.entity.version': '3' },
      },
      { topic: 'stafett.person.state.v1', key: 'a1', value: null },
      {
        topic: 'stafett.imports.results.v1',
        key: null,
        value: Buffer.alloc(0),
        headers: { 'ö-name': 'värde' },
      },
    ];
    expect(decodeFrame(encodeFrame(messages))).toEqual([
      { ...messages[0], headers: messages[0].headers },
      { ...messages[1], headers: {} },
      { ...messages[2], headers: { 'ö-name': 'värde' } },
    ]);
  });

  it('should refuse bytes that are not a frame', () => {
    expect(() => decodeFrame(Buffer.from('{"not":"a frame"}'))).toThrow('not an outbox frame');
    const frame = encodeFrame([{ topic: 't', key: 'k', value: Buffer.from('v') }]);
    expect(() => decodeFrame(Buffer.concat([frame, Buffer.from([1])]))).toThrow('trailing');
  });
});
