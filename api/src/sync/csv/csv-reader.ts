import { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { parse, CsvError } from 'csv-parse';
import { AppError } from '../../shared/errors.js';

/** How the bytes of a file were read as text. */
export type CsvEncoding = 'UTF8' | 'UTF8_BOM' | 'UTF16LE' | 'UTF16BE';
export type CsvDelimiter = ',' | ';' | '\t';

/** Why a file cannot be read at all: each names what to do about it. */
export type CsvFileProblem = 'EMPTY' | 'BINARY' | 'ENCODING' | 'SYNTAX' | 'HEADER_ONLY' | 'TOO_LARGE' | 'NO_HEADERS';

/** A file Rollcall cannot read as CSV: BAD_USER_INPUT with the problem and the input ("file"). */
export function badFile(problem: CsvFileProblem, message: string): AppError {
  return new AppError('BAD_USER_INPUT', message, { field: 'file', problem });
}

/** One row of the file: `row` is its number as a spreadsheet shows it (the header is row 1). */
export interface CsvRow {
  row: number;
  cells: string[];
}

/** What reading the start of a file found. */
export interface CsvHead {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  headers: string[];
  /** The header's row number (1 unless blank lines come first). */
  headerRow: number;
}

export interface CsvReadOptions {
  /** Refuse files larger than this (TOO_LARGE), counted as the bytes arrive. */
  maxBytes: number;
  /** Sees every chunk of bytes as it arrives (to store the file while it is read). */
  onBytes?: (chunk: Uint8Array) => Promise<void>;
}

/** A quoted value may hold newlines, but one row larger than this is a quote that never ends. */
const MAX_RECORD = 1_000_000;
/** Bytes looked at to tell text from a binary file. */
const SNIFF = 4;

const SIGNATURES: Array<[number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'an Excel workbook (.xlsx) or another zip file'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel workbook (.xls) or another Office file'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
];
const SAVE_AS = 'Save it from your spreadsheet as "CSV UTF-8 (comma delimited)" (Excel) or "Comma-separated values" (Google Sheets, LibreOffice) and upload that file.';

const startsWith = (b: Uint8Array, sig: number[]) => sig.every((v, i) => b[i] === v);

/** The encoding from the byte order mark; UTF-8 without one. Refuses files that are not text. */
function sniff(head: Uint8Array): { encoding: CsvEncoding; decoder: TextDecoder } {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'UTF8_BOM', decoder: new TextDecoder('utf-8', { fatal: true }) };
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'UTF16LE', decoder: new TextDecoder('utf-16le', { fatal: true }) };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'UTF16BE', decoder: new TextDecoder('utf-16be', { fatal: true }) };
  for (const [sig, what] of SIGNATURES) if (startsWith(head, sig)) throw badFile('BINARY', `This file is ${what}, not a CSV file. ${SAVE_AS}`);
  // Text has no NUL bytes; UTF-16 without a byte order mark is not supported (and has them).
  if (head.includes(0)) throw badFile('BINARY', `This file is not text (it holds binary data), so it is not a CSV file. ${SAVE_AS}`);
  return { encoding: 'UTF8', decoder: new TextDecoder('utf-8', { fatal: true }) };
}

/** The bytes as text, decoded as they arrive, counted against the size limit. */
async function* decode(bytes: AsyncIterable<Uint8Array>, opts: CsvReadOptions, found: (e: CsvEncoding) => void): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let pending: Uint8Array = new Uint8Array(0);
  let total = 0;
  const text = (chunk: Uint8Array, stream: boolean) => {
    let t: string;
    try {
      t = decoder!.decode(chunk, { stream });
    } catch {
      throw badFile('ENCODING', `This file is not UTF-8 or UTF-16 text (it may be in an older encoding such as Windows-1252). ${SAVE_AS}`);
    }
    // A NUL anywhere (not only in the first bytes) means binary data; no value could be stored with it.
    if (t.includes('\u0000')) throw badFile('BINARY', `This file is not text (it holds binary data), so it is not a CSV file. ${SAVE_AS}`);
    return t;
  };
  for await (const raw of bytes) {
    const chunk = raw instanceof Uint8Array ? raw : new Uint8Array(raw as ArrayBuffer);
    total += chunk.length;
    if (total > opts.maxBytes) {
      throw badFile('TOO_LARGE', `The file is larger than ${Math.round(opts.maxBytes / 1024 / 1024)} MB. Split it into smaller files, or export only the columns you need.`);
    }
    await opts.onBytes?.(chunk);
    if (!decoder) {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < SNIFF) continue;
      const s = sniff(pending);
      decoder = s.decoder;
      found(s.encoding);
      const t = text(pending, true);
      if (t) yield t;
      continue;
    }
    const t = text(chunk, true);
    if (t) yield t;
  }
  if (!decoder) {
    if (pending.length === 0) return;
    const s = sniff(pending);
    decoder = s.decoder;
    found(s.encoding);
    const t = text(pending, true);
    if (t) yield t;
  }
  const rest = text(new Uint8Array(0), false);
  if (rest) yield rest;
}

/**
 * The delimiter of a file: whichever of comma, semicolon and tab occurs most often outside quotes
 * in its first line (Excel in many European locales writes semicolons; TSV uses tabs).
 */
export function detectDelimiter(firstLine: string): CsvDelimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as CsvDelimiter] += 1;
  }
  let best: CsvDelimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/** The first line of `text` (outside quotes), or null when it does not end in `text` yet. */
function firstLine(text: string): string | null {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) return text.slice(0, i);
  }
  return null;
}

const blank = (cells: string[]) => cells.every((c) => c.trim() === '');

/**
 * Reads a CSV file as it arrives, never holding it whole: detects the encoding (UTF-8 with or
 * without BOM, UTF-16 with BOM) and the delimiter, then parses with csv-parse (quoted values with
 * delimiters, quotes and newlines; CRLF or LF). Returns the header and the data rows to come;
 * blank rows are skipped but counted, so row numbers match what a spreadsheet shows.
 */
export async function readCsv(bytes: AsyncIterable<Uint8Array>, opts: CsvReadOptions): Promise<{ head: CsvHead; rows: AsyncGenerator<CsvRow> }> {
  let encoding: CsvEncoding = 'UTF8';
  const text = decode(bytes, opts, (e) => (encoding = e));
  // Text up to the end of the first line, to choose the delimiter before parsing starts.
  let buffered = '';
  let line: string | null = null;
  for (;;) {
    const next = await text.next();
    if (next.done) {
      line = buffered;
      break;
    }
    buffered += next.value;
    line = firstLine(buffered.replace(/^[\r\n]+/, ''));
    if (line !== null || buffered.length > MAX_RECORD) break;
  }
  if (buffered.trim() === '') throw badFile('EMPTY', 'The file is empty. Choose the CSV file that holds your roster: a header row, then one row per person.');
  const delimiter = detectDelimiter(line ?? buffered);
  const source = Readable.from(
    (async function* () {
      yield buffered;
      yield* text;
    })(),
    { objectMode: false },
  );
  const parser = parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, max_record_size: MAX_RECORD, bom: true });
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const syntax = (err: unknown): never => {
    if (err instanceof AppError) throw err;
    if (err instanceof CsvError) {
      const where = (err as CsvError & { lines?: number }).lines;
      throw badFile('SYNTAX', `The file is not valid CSV${where ? ` near line ${where}` : ''}: ${err.message.replace(/^[A-Za-z ]*: /, '')}. Check for a quote that is opened and never closed.`);
    }
    throw err;
  };
  const pull = async () => {
    try {
      return await it.next();
    } catch (err) {
      return syntax(err);
    }
  };
  let row = 0;
  let headers: string[] | null = null;
  try {
    while (!headers) {
      const r = await pull();
      if (r.done) throw badFile('EMPTY', 'The file is empty. Choose the CSV file that holds your roster: a header row, then one row per person.');
      row += 1;
      if (!blank(r.value)) headers = r.value.map((h) => h.trim());
    }
  } catch (err) {
    parser.destroy();
    source.destroy();
    throw err;
  }
  const headerRow = row;
  const rows = (async function* () {
    try {
      for (;;) {
        const r = await pull();
        if (r.done) return;
        row += 1;
        if (!blank(r.value)) yield { row, cells: r.value };
      }
    } finally {
      parser.destroy();
      source.destroy();
    }
  })();
  return { head: { encoding, delimiter, headers, headerRow }, rows };
}
