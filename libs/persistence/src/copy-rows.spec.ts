import { copyLine, copyRows, copyValue } from './copy-rows';

describe('COPY text', () => {
  it('should escape what would end a column or a row early, and write null as \\N', () => {
    expect(copyValue('tab\there')).toBe('tab\\there');
    expect(copyValue('two\nlines\r')).toBe('two\\nlines\\r');
    expect(copyValue('C:\\path')).toBe('C:\\\\path');
    expect(copyValue('\\N')).toBe('\\\\N');
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(undefined)).toBe('\\N');
    expect(copyValue(false)).toBe('false');
    expect(copyValue(42)).toBe('42');
    expect(copyLine(['Åsa', null, 'a\tb'])).toBe('Åsa\t\\N\ta\\tb\n');
  });

  it('should refuse an executor that cannot COPY, before sending anything', async () => {
    const query = jest.fn();
    await expect(copyRows({ query }, 'COPY t FROM STDIN', ['x\n'])).rejects.toThrow(/needs the transaction’s pg client/);
    expect(query).not.toHaveBeenCalled();
  });
});
