import { resolveSinkTopic } from './sink-topics';

describe(resolveSinkTopic.name, () => {
  it('should resolve an events pattern to the prefixed topic, its entity and the change envelope', () => {
    expect(resolveSinkTopic('stafett.person.events.v1', 't1.')).toEqual({
      pattern: 'stafett.person.events.v1',
      topic: 't1.stafett.person.events.v1',
      entity: 'person',
      kind: 'events',
      contract: 'se.stafett.person.PersonChanged',
    });
  });

  it('should resolve a state pattern to the entity state contract', () => {
    expect(resolveSinkTopic('stafett.group.state.v1')).toMatchObject({ topic: 'stafett.group.state.v1', kind: 'state', contract: 'se.stafett.group.Group' });
  });

  it.each([
    ['an imports topic', 'stafett.person.imports.v1'],
    ['the DLQ', 'stafett.dlq.v1'],
    ['an unknown entity', 'stafett.member.events.v1'],
    ['a pattern with the prefix already on it', 't1.stafett.person.events.v1'],
    ['an object pattern (as Nest normalises it)', '{"cmd":"sum"}'],
    ['trailing text', 'stafett.person.events.v1; DROP TABLE'],
  ])('should refuse %s, saying what a sink can follow', (_what, pattern) => {
    expect(() => resolveSinkTopic(pattern)).toThrow(/is not a topic a sink can follow: expected stafett\.<entity>\.events\.v1 or stafett\.<entity>\.state\.v1/);
  });

  it('should shorten a huge pattern in its message', () => {
    expect(() => resolveSinkTopic('x'.repeat(100_000))).toThrow(/^.{0,400}$/s);
  });
});
