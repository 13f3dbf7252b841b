import { isReasonCode } from './reason-codes';

describe(isReasonCode.name, () => {
  it('should recognise a code of the regelverk', () => {
    expect(isReasonCode('AMBIGUOUS_MATCH')).toBe(true);
  });

  it('should refuse a string that is not a code', () => {
    expect(isReasonCode('ambiguous_match')).toBe(false);
  });
});
