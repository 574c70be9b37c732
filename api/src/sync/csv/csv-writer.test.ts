import { describe, expect, it } from 'vitest';
import { csvLine, safeCell } from './csv-writer.js';

describe('CSV writing', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+44 20 7946 0958', "'+44 20 7946 0958"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tTabbed', "'\tTabbed"],
    ['\rReturn', "'\rReturn"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
    [-3, '-3'],
    [true, 'true'],
    [null, ''],
  ])('neutralises %j as %j', (value, expected) => {
    expect(safeCell(value)).toBe(expected);
  });

  it('quotes cells with the delimiter, quotes or line breaks, and ends lines with CRLF', () => {
    expect(csvLine(['E1', 'Research, "R&D"', 'two\nlines', 7])).toBe('E1,"Research, ""R&D""","two\nlines",7\r\n');
    expect(csvLine(['a;b', 'c'], ';')).toBe('"a;b";c\r\n');
    expect(csvLine(['=1+1'])).toBe("'=1+1\r\n");
  });
});
