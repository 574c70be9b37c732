import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fcParams } from '../../../../tests/support/property.js';
import type { FieldType, ListField } from '../../lists/list.entities.js';
import { AppError } from '../../shared/errors.js';
import { readCsv, type CsvDelimiter, type CsvRow } from './csv-reader.js';
import { csvLine, safeCell, UTF8_BOM } from './csv-writer.js';
import { CsvRowChecker } from './csv-rows.js';
import { TRANSFORMS, transform } from '../engine/mapping.js';
import { normaliseValue } from '../../lists/field-values.js';

/** Text with what makes CSV hard: quotes, every delimiter, CR and LF, BOMs, accents, emoji, RTL. */
const cellText = fc.string({
  unit: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('a', 'Z', '0', ' ', '"', ',', ';', '\t', '\n', '\r', '\r\n', "'", '=', '-', '\ufeff', 'é', 'Ω', '中', '🙂', 'ש', '\u200b') },
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  ),
  maxLength: 12,
});
/** Headers as the reader gives them: trimmed, not empty, distinct. */
const header = cellText.map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('\ufeff'));
const table = fc
  .uniqueArray(header, { minLength: 1, maxLength: 5 })
  .chain((headers) =>
    fc.tuple(
      fc.constant(headers),
      // A row whose cells are all blank is skipped (as a spreadsheet's empty row), so every row has a visible first cell.
      fc.array(fc.tuple(cellText.filter((s) => s.trim() !== ''), fc.array(cellText, { minLength: headers.length - 1, maxLength: headers.length - 1 })).map(([first, rest]) => [first, ...rest]), { maxLength: 8 }),
    ),
  );
type Encoding = 'UTF8' | 'UTF8_BOM' | 'UTF16LE' | 'UTF16BE';
const encoding = fc.constantFrom<Encoding>('UTF8', 'UTF8_BOM', 'UTF16LE', 'UTF16BE');

function encode(text: string, e: Encoding): Buffer {
  if (e === 'UTF8') return Buffer.from(text, 'utf8');
  if (e === 'UTF8_BOM') return Buffer.from(UTF8_BOM + text, 'utf8');
  const le = Buffer.from('\ufeff' + text, 'utf16le');
  return e === 'UTF16LE' ? le : Buffer.from(le).swap16();
}

/** The bytes as a stream that splits them anywhere, inside characters too. */
async function* chunked(bytes: Buffer, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % Math.max(1, bytes.length)))].sort((a, b) => a - b)) {
    if (c > at) yield bytes.subarray(at, c);
    at = Math.max(at, c);
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

async function readAll(bytes: Buffer, cuts: number[]): Promise<{ headers: string[]; delimiter: CsvDelimiter; encoding: string; rows: CsvRow[] }> {
  const { head, rows } = await readCsv(chunked(bytes, cuts), { maxBytes: 10_000_000 });
  const out: CsvRow[] = [];
  for await (const r of rows) out.push(r);
  return { headers: head.headers, delimiter: head.delimiter, encoding: head.encoding, rows: out };
}

describe('CSV, as properties', () => {
  it('a table written by csvLine reads back cell for cell, in any encoding, delimiter and chunking', async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.constantFrom<CsvDelimiter>(',', ';', '\t'), encoding, fc.array(fc.nat(), { maxLength: 6 }), async ([headers, rows], delimiter, enc, cuts) => {
        const text = [headers, ...rows].map((r) => csvLine(r, headers.length > 1 ? delimiter : ',')).join('');
        const read = await readAll(encode(text, enc), cuts);
        expect(read.encoding).toBe(enc);
        // A header of one column has no delimiter to detect: it reads as comma-separated.
        expect(read.delimiter).toBe(headers.length > 1 ? delimiter : ',');
        expect(read.headers).toEqual(headers.map(safeCell));
        expect(read.rows.map((r) => r.cells)).toEqual(rows.map((r) => r.map(safeCell)));
      }),
      fcParams(400),
    );
  });

  it('row numbers are those a spreadsheet shows: the header is row 1, and quoted line breaks do not count', async () => {
    await fc.assert(
      fc.asyncProperty(table, fc.nat(3), async ([headers, rows], blankLines) => {
        const text = '\r\n'.repeat(blankLines) + [headers, ...rows].map((r) => csvLine(r)).join('');
        const read = await readAll(Buffer.from(text), []);
        expect(read.rows.map((r) => r.row)).toEqual(rows.map((_, i) => blankLines + 2 + i));
      }),
      fcParams(200),
    );
  });
});

const FIELD_TYPES: FieldType[] = ['TEXT', 'EMAIL', 'PHONE', 'NUMBER', 'DATE', 'BOOLEAN', 'URL'];
const field = (key: string, type: FieldType, required: boolean): ListField => ({
  id: key, organizationId: 'o', listId: 'l', key, label: key.toUpperCase(), type, required, description: null, position: 0, createdAt: new Date(0),
});
const rawValue = fc.oneof(cellText, fc.constantFrom('', ' ', '2026-02-30', '2026-09-01', '12', '1e309', 'NaN', 'yes', 'TRUE', 'x@y', 'ada@example.org', '+44 20', 'https://a.test', 'javascript:alert(1)', 'x'.repeat(10_001)));

describe('the CSV row checker, as properties', () => {
  it('never throws; every problem names its row, and a value its field refuses names its column', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.constantFrom(...FIELD_TYPES), required: fc.boolean(), transform: fc.constantFrom(...TRANSFORMS) }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.array(rawValue, { maxLength: 6 }), { minLength: 1, maxLength: 10 }),
        (specs, rows) => {
          const headers = specs.map((_, i) => `col${i}`);
          const fields = new Map(specs.map((s, i) => [`f${i}`, field(`f${i}`, s.type, s.required)]));
          const mapping = specs.map((s, i) => ({ column: `col${i}`, fieldKey: `f${i}`, transform: s.transform }));
          const checker = new CsvRowChecker(headers, mapping, fields, 'col0', new Map());
          let invalid = 0;
          rows.forEach((cells, i) => {
            const row = i + 2;
            const { record, problems } = checker.check({ row, cells });
            for (const p of problems) {
              expect(p.row).toBe(row);
              expect(p.severity).toBe('ERROR');
              expect(p.column === null || headers.includes(p.column)).toBe(true);
              expect(p.message.length).toBeGreaterThan(0);
            }
            if (cells.length !== headers.length) expect(problems.some((p) => p.column === null)).toBe(true);
            // Each value its field type refuses is reported at its row and column.
            specs.forEach((spec, c) => {
              const f = fields.get(`f${c}`)!;
              let refused = false;
              try {
                normaliseValue(f, transform(cells[c] ?? '', spec.transform));
              } catch {
                refused = true;
              }
              if (refused) expect(problems.some((p) => p.column === `col${c}` && p.message.includes('is not'))).toBe(true);
            });
            if (problems.length > 0) {
              invalid += 1;
              expect(record.problem).toContain(`row ${row}`);
            } else expect(record.problem).toBeUndefined();
          });
          expect(checker.rows).toBe(rows.length);
          expect(checker.invalidRows).toBe(invalid);
        },
      ),
      fcParams(500),
    );
  });
});

// The reader refuses rather than throws: anything it cannot read is BAD_USER_INPUT with a problem.
describe('the CSV reader on arbitrary bytes', () => {
  it('reads or refuses with a named problem, never another error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 300 }), cellText.map((s) => new Uint8Array(Buffer.from(s)))), fc.array(fc.nat(), { maxLength: 4 }), async (bytes, cuts) => {
        try {
          await readAll(Buffer.from(bytes), cuts);
        } catch (err) {
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).details).toHaveProperty('problem');
        }
      }),
      fcParams(400),
    );
  });
});
