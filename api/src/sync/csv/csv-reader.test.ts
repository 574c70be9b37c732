import { describe, expect, it } from 'vitest';
import { readCsv, type CsvRow } from './csv-reader.js';

async function* chunks(buf: Buffer, size = 7): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}
const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string) => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};

async function read(buf: Buffer, size?: number) {
  const { head, rows } = await readCsv(chunks(buf, size), { maxBytes: 1_000_000 });
  const out: CsvRow[] = [];
  for await (const r of rows) out.push(r);
  return { head, rows: out };
}
async function problem(buf: Buffer, maxBytes = 1_000_000): Promise<string> {
  try {
    const { rows } = await readCsv(chunks(buf), { maxBytes });
    for await (const _ of rows) void _;
  } catch (err) {
    return (err as { details: { problem: string } }).details.problem;
  }
  throw new Error('expected the file to be refused');
}

describe('readCsv', () => {
  it.each([
    ['comma, LF', Buffer.from('id,name\n1,Ada\n2,Bob\n'), 'UTF8', ','],
    ['semicolon, CRLF, UTF-8 BOM (Excel in Europe)', Buffer.from('\uFEFFid;name\r\n1;Ada\r\n2;Bob\r\n'), 'UTF8_BOM', ';'],
    ['tab, UTF-16LE BOM (Excel Unicode text)', utf16le('id\tname\r\n1\tAda\r\n2\tBob\r\n'), 'UTF16LE', '\t'],
    ['comma, UTF-16BE BOM', utf16be('id,name\n1,Ada\n2,Bob'), 'UTF16BE', ','],
  ])('%s', async (_name, buf, encoding, delimiter) => {
    for (const size of [1, 3, 64 * 1024]) {
      const { head, rows } = await read(buf, size);
      expect(head).toEqual({ encoding, delimiter, headers: ['id', 'name'], headerRow: 1 });
      expect(rows).toEqual([
        { row: 2, cells: ['1', 'Ada'] },
        { row: 3, cells: ['2', 'Bob'] },
      ]);
    }
  });

  it('reads quoted delimiters, quotes and newlines, and numbers rows as a spreadsheet does', async () => {
    const { head, rows } = await read(Buffer.from('"id","note, with comma"\n1,"say ""hi""\nsecond line"\n\n2,"a;b"\n'));
    expect(head.headers).toEqual(['id', 'note, with comma']);
    expect(head.delimiter).toBe(',');
    expect(rows).toEqual([
      { row: 2, cells: ['1', 'say "hi"\nsecond line'] },
      { row: 4, cells: ['2', 'a;b'] },
    ]);
  });

  it.each([
    ['empty', Buffer.alloc(0), 'EMPTY'],
    ['only a BOM and blank lines', Buffer.from('\uFEFF\r\n\r\n'), 'EMPTY'],
    ['an xlsx workbook', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]), 'BINARY'],
    ['NUL bytes', Buffer.from([0x61, 0x00, 0x62, 0x00, 0x0a]), 'BINARY'],
    ['Windows-1252 text', Buffer.from([0x69, 0x64, 0x0a, 0x4a, 0xe9, 0x72, 0xf4, 0x6d, 0x65, 0x0a]), 'ENCODING'],
    ['an unclosed quote', Buffer.from('id,name\n1,"Ada\n'), 'SYNTAX'],
  ])('refuses %s', async (_name, buf, expected) => {
    expect(await problem(buf)).toBe(expected);
  });

  it('refuses a file over the limit while it arrives', async () => {
    expect(await problem(Buffer.from(`id\n${'1\n'.repeat(100)}`), 50)).toBe('TOO_LARGE');
  });
});
