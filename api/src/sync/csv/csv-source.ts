import type { Source } from '../engine/runner.js';
import type { SourceRecord } from '../engine/types.js';
import type { CsvRow } from './csv-reader.js';
import type { CsvRowChecker } from './csv-rows.js';

/** Records handed to the engine at once. */
const PAGE = 2000;

/**
 * A CSV file as a source of the reconciliation engine: its rows, checked and turned into records
 * (a row with an error becomes a problem, and its person is kept), a page at a time. Hand-fed:
 * people added by hand are its own, people a directory manages keep their source. In "full
 * roster" mode the file is the whole list, so people missing from it are deactivated (within the
 * list's deactivation limit); otherwise the file only adds and updates.
 */
export class CsvSource implements Source {
  readonly name = 'csv';
  readonly handFed = true;
  readonly mapping;

  constructor(
    private readonly opts: {
      rows: () => Promise<AsyncIterable<CsvRow>>;
      checker: CsvRowChecker;
      fullRoster: boolean;
      /** UIDs the administrator chose to leave out (possible duplicates). */
      skipUids?: ReadonlySet<string>;
    },
  ) {
    this.mapping = opts.checker.rules().map((m) => ({ sourceAttribute: m.column, fieldKey: m.fieldKey, transform: m.transform }));
  }

  async *pages(): AsyncIterable<SourceRecord[]> {
    let page: SourceRecord[] = [];
    for await (const row of await this.opts.rows()) {
      const { record } = this.opts.checker.check(row);
      if (!record.problem && this.opts.skipUids?.has(record.anchor)) record.problem = `row ${row.row}: left out by the administrator (possible duplicate)`;
      page.push(record);
      if (page.length >= PAGE) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  effectiveMode(): 'full' | 'delta' {
    return this.opts.fullRoster ? 'full' : 'delta';
  }
}
