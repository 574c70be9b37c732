/**
 * Cells a spreadsheet would run as a formula (OWASP "CSV injection"): starting with = + - @, or a
 * tab, carriage return or other control character. Such a cell is written with a leading
 * apostrophe, which spreadsheets show as text.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const FORMULA = /^[=+\-@\u0000-\u001f\u007f]/;

/** A cell as text a spreadsheet shows as it is: formula-like text neutralised (numbers pass). */
export function safeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return FORMULA.test(s) ? `'${s}` : s;
}

/**
 * One CSV line (RFC 4180: quoted when needed, CRLF), every cell neutralised by `safeCell`. A cell
 * holding any delimiter the reader detects (comma, semicolon, tab) is quoted, whichever this
 * line uses: a header "Name; first" left bare would make a re-import read the file as semicolon-separated.
 */
export function csvLine(cells: readonly unknown[], delimiter = ','): string {
  return `${cells
    .map((c) => {
      const s = safeCell(c);
      return /["\r\n,;\t]/.test(s) || s.includes(delimiter) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(delimiter)}\r\n`;
}

/** The UTF-8 byte order mark Excel needs to read a CSV file as UTF-8. */
export const UTF8_BOM = '\uFEFF';
