import type { ListField } from '../../lists/list.entities.js';
import { ACCEPTS, normaliseValue, uidText } from '../../lists/field-values.js';
import { AppError } from '../../shared/errors.js';
import { transform, type Transform } from '../engine/mapping.js';
import type { SourceRecord } from '../engine/types.js';
import type { CsvRow } from './csv-reader.js';

/** A CSV column onto a list field. */
export interface CsvColumnMapping {
  column: string;
  fieldKey: string;
  transform: Transform;
}

export type CsvProblemSeverity = 'ERROR' | 'WARNING';

/** One thing wrong with a file: where (row as a spreadsheet numbers it, column header) and what. */
export interface CsvProblem {
  row: number | null;
  column: string | null;
  severity: CsvProblemSeverity;
  message: string;
}

/**
 * Checks a file's rows against an import's mapping and turns them into source records, row by
 * row, so a file of any size is checked in one pass: values of the mapped columns by field type
 * (the same transforms and rules as directory sync), required values, the UID (present, unique
 * within the file), the number of values per row; headers that repeat, are empty or are not
 * mapped; mapped fields another sync owns (left unchanged).
 */
export class CsvRowChecker {
  private readonly index = new Map<string, number>();
  private readonly uidRows = new Map<string, number>();
  private readonly uidRule: CsvColumnMapping;
  readonly uidField: ListField;
  /** Rows read, rows with an error, rows without a UID. */
  rows = 0;
  invalidRows = 0;
  rowsWithoutUid = 0;

  constructor(
    private readonly headers: readonly string[],
    private readonly mapping: readonly CsvColumnMapping[],
    private readonly fields: ReadonlyMap<string, ListField>,
    uidColumn: string,
    /** Field keys owned by another sync provider of the list, with its name. */
    private readonly locked: ReadonlyMap<string, string>,
  ) {
    headers.forEach((h, i) => {
      if (!this.index.has(h)) this.index.set(h, i);
    });
    const uidRule = mapping.find((m) => m.column === uidColumn);
    if (!uidRule) throw new Error(`the UID column "${uidColumn}" is not mapped`);
    this.uidRule = uidRule;
    this.uidField = fields.get(uidRule.fieldKey)!;
  }

  /** The mapping rules the engine applies: locked fields left out, except the UID (it only matches). */
  rules(): CsvColumnMapping[] {
    return this.mapping.filter((m) => m === this.uidRule || !this.locked.has(m.fieldKey));
  }

  /** Problems of the header row: repeated, empty, unmapped headers; mapped columns missing; locked fields. */
  headerProblems(headerRow: number): CsvProblem[] {
    const out: CsvProblem[] = [];
    const seen = new Map<string, number>();
    this.headers.forEach((h, i) => {
      const col = i + 1;
      if (h === '') {
        out.push({ row: headerRow, column: null, severity: 'WARNING', message: `Column ${col} has no header, so it cannot be mapped; its values are ignored.` });
        return;
      }
      const first = seen.get(h);
      if (first !== undefined) {
        // Only a mapped header is ambiguous; a repeated header nobody maps is only ignored.
        const mapped = this.mapping.some((m) => m.column === h);
        out.push({ row: headerRow, column: h, severity: mapped ? 'ERROR' : 'WARNING', message: `The header "${h}" appears twice (columns ${first} and ${col}); only column ${first} can be mapped${mapped ? ', and it is not clear which one you meant' : ''}. Rename one of them in the file.` });
        return;
      }
      seen.set(h, col);
      if (!this.mapping.some((m) => m.column === h)) out.push({ row: headerRow, column: h, severity: 'WARNING', message: `"${h}" is not mapped to a field, so its values are not imported. Map it if you need it.` });
    });
    for (const m of this.mapping) {
      if (!this.index.has(m.column)) out.push({ row: headerRow, column: m.column, severity: 'ERROR', message: `The mapping expects a column "${m.column}", which this file does not have. Map another column or remove the mapping.` });
      const owner = this.locked.get(m.fieldKey);
      if (owner && m !== this.uidRule) {
        const label = this.fields.get(m.fieldKey)?.label ?? m.fieldKey;
        out.push({ row: headerRow, column: m.column, severity: 'WARNING', message: `"${label}" is managed by the ${owner} sync of this list, so the values of "${m.column}" are left unchanged; change them in ${owner}.` });
      }
    }
    return out;
  }

  /** A row as a source record (anchor: its UID), with its problems; the record carries the first error. */
  check(r: CsvRow): { record: SourceRecord; problems: CsvProblem[] } {
    this.rows += 1;
    const problems: CsvProblem[] = [];
    const error = (column: string | null, message: string) => problems.push({ row: r.row, column, severity: 'ERROR', message });
    if (r.cells.length !== this.headers.length) {
      error(null, `Row ${r.row} has ${r.cells.length} value${r.cells.length === 1 ? '' : 's'} but the header has ${this.headers.length} columns. Check for a missing or extra delimiter, or a quote that is not closed.`);
    }
    const attributes: Record<string, string> = {};
    let uid: string | null = null;
    for (const m of this.mapping) {
      const i = this.index.get(m.column);
      if (i === undefined) continue;
      const raw = r.cells[i] ?? '';
      attributes[m.column] = raw;
      const field = this.fields.get(m.fieldKey);
      if (!field) continue;
      let value: ReturnType<typeof normaliseValue>;
      try {
        value = normaliseValue(field, transform(raw, m.transform));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        error(m.column, `${JSON.stringify(raw)} is not ${ACCEPTS[field.type]}${field.type === 'DATE' ? ' (accepted: YYYY-MM-DD, or an ISO 8601 date and time such as 2026-09-01T08:30:00Z)' : ''}.`);
        continue;
      }
      if (m === this.uidRule) {
        uid = uidText(value);
        if (uid === null) {
          this.rowsWithoutUid += 1;
          error(m.column, `No UID: every row needs a value in "${m.column}", which identifies the person.`);
        }
      } else if (value === null && field.required) {
        error(m.column, `"${field.label}" is required; this row has no value in "${m.column}".`);
      }
    }
    if (uid !== null) {
      const first = this.uidRows.get(uid);
      if (first !== undefined) error(this.uidRule.column, `The UID "${uid}" is also on row ${first}; each person must appear once.`);
      else this.uidRows.set(uid, r.row);
    }
    if (problems.length > 0) this.invalidRows += 1;
    const anchor = uid ?? `row ${r.row}`;
    const first = problems[0];
    return {
      record: { anchor, attributes, active: true, ...(first ? { problem: `row ${r.row}${first.column ? `, column "${first.column}"` : ''}: ${first.message}` } : {}) },
      problems,
    };
  }

  /** A file-level problem once every row is read: a UID column empty in every row writes nothing. */
  fileProblems(): CsvProblem[] {
    if (this.rows > 0 && this.rowsWithoutUid === this.rows) {
      return [{ row: null, column: this.uidRule.column, severity: 'ERROR', message: `The UID column "${this.uidRule.column}" is empty in every row, so no one can be identified. Choose the column that holds each person's unique identifier.` }];
    }
    return [];
  }
}
