import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { isUuid } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { AppError, errors } from '../../shared/errors.js';
import type { Viewer } from '../../auth/viewer.js';
import { requireRole } from '../../auth/viewer.js';
import type { AuditService } from '../../audit/audit.service.js';
import type { ListsService } from '../../lists/lists.service.js';
import type { FieldType, ListField } from '../../lists/list.entities.js';
import type { SyncRunner } from '../engine/runner.js';
import { checkMappings, type MappingInput } from '../mapping-input.js';
import { keyFor, norm } from '../entra/catalogue.js';
import { badFile, readCsv, type CsvDelimiter, type CsvEncoding, type CsvRow } from './csv-reader.js';
import { CsvRowChecker, type CsvColumnMapping, type CsvProblem } from './csv-rows.js';
import { CsvSource } from './csv-source.js';
import { csvLine } from './csv-writer.js';

/** An uploaded file waiting to be mapped, checked, previewed and committed. */
export interface CsvImportView {
  id: string;
  listId: string;
  fileName: string;
  byteSize: number;
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  headers: string[];
  /** The first data rows, as they are in the file. */
  sampleRows: string[][];
  rowCount: number;
  mapping: CsvColumnMapping[] | null;
  uidColumn: string | null;
  runId: string | null;
  previewRunId: string | null;
  createdBy: string;
  createdAt: Date;
}

/** A column of the file with what mapping it would take. */
export interface CsvColumnView {
  name: string;
  position: number;
  samples: string[];
  /** The field this column was mapped onto last time (remembered per list), else one with a matching name. */
  suggestedFieldKey: string | null;
  /** A field type for a new field, from the samples. */
  suggestedType: FieldType;
  /** Whether this is the column the list's UID field was read from last time (or its name matches). */
  suggestedUid: boolean;
}

export interface CsvValidationView {
  rowCount: number;
  validRows: number;
  invalidRows: number;
  errorCount: number;
  warningCount: number;
  /** The first problems, header problems first, then by row. */
  problems: CsvProblem[];
  /** The first problem of the whole file (row null), which refuses it however it is imported. */
  fileProblem: CsvProblem | null;
}

export interface PossibleDuplicate {
  uid: string;
  row: Record<string, unknown>;
  personId: string;
  personUid: string;
  personValues: Record<string, unknown>;
  /** EMAIL or NAME_AND_BIRTH_DATE. */
  reason: 'EMAIL' | 'NAME_AND_BIRTH_DATE';
}

export interface CommitOptions {
  /** The file is the whole list: people missing from it are deactivated (within the deactivation limit). */
  fullRoster: boolean;
  /** Import the valid rows and report the others, rather than refuse the file while any row has an error. */
  skipInvalidRows: boolean;
  /** UIDs to leave out (possible duplicates the administrator decided against). */
  skipUids?: string[] | null;
}

const SAMPLE_ROWS = 5;
/** Days an uploaded file is kept (to map, check, preview, commit and download its problems). */
const KEEP_DAYS = 7;
/** Bytes per stored chunk of an uploaded file. */
const CHUNK = 1024 * 1024;
const COLUMNS = `id, list_id, file_name, byte_size, encoding, delimiter, headers, sample_rows, row_count, mapping, uid_column, run_id, preview_run_id, created_by, created_at`;

function view(r: Record<string, unknown>): CsvImportView {
  return {
    id: r.id as string,
    listId: r.list_id as string,
    fileName: r.file_name as string,
    byteSize: Number(r.byte_size),
    encoding: r.encoding as CsvEncoding,
    delimiter: r.delimiter as CsvDelimiter,
    headers: r.headers as string[],
    sampleRows: r.sample_rows as string[][],
    rowCount: Number(r.row_count),
    mapping: (r.mapping as CsvColumnMapping[] | null) ?? null,
    uidColumn: (r.uid_column as string | null) ?? null,
    runId: (r.run_id as string | null) ?? null,
    previewRunId: (r.preview_run_id as string | null) ?? null,
    createdBy: r.created_by as string,
    createdAt: new Date(r.created_at as string),
  };
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}/;
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;
/** A type for a new field from sample values: the narrowest every non-empty sample fits. */
function guessType(samples: string[]): FieldType {
  const s = samples.map((v) => v.trim()).filter(Boolean);
  if (s.length === 0) return 'TEXT';
  if (s.every((v) => EMAIL_RE.test(v))) return 'EMAIL';
  if (s.every((v) => DATE_RE.test(v))) return 'DATE';
  if (s.every((v) => /^https?:\/\//i.test(v))) return 'URL';
  if (s.every((v) => /^(true|false|yes|no)$/i.test(v))) return 'BOOLEAN';
  // Leading zeros are identifiers (00123), not numbers.
  if (s.every((v) => NUMBER_RE.test(v) && !/^0\d/.test(v))) return 'NUMBER';
  return 'TEXT';
}

/** Keys of name and birth-date fields, for flagging possible duplicates by name and date of birth. */
const FIRST = new Set(['firstname', 'givenname', 'forename', 'first']);
const LAST = new Set(['lastname', 'surname', 'familyname', 'last']);
const BIRTH = new Set(['dateofbirth', 'birthdate', 'dob', 'birthday']);

/**
 * CSV import: upload (streamed into chunks, checked as it arrives), mapping (the same model and
 * transforms as directory sync, remembered per list as the `csv` provider's field mappings, which
 * never lock fields: CSV is not a sync provider), validation, preview (a dry run of the engine)
 * and commit (a run of the engine with a `CsvSource`).
 */
export class CsvImportsService {
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: { orm: MikroORM; clock: Clock; ids: IdGenerator; logger: Logger; audit: AuditService; lists: ListsService; runner: SyncRunner; maxBytes: number },
  ) {}

  /**
   * Stores an uploaded file as an import of the list, reading it as it arrives: refused (and
   * nothing kept) when it is empty, not CSV text, larger than the limit, or has no data rows.
   */
  async upload(em: EntityManager, viewer: Viewer, listId: string, fileName: string, bytes: AsyncIterable<Uint8Array>): Promise<CsvImportView> {
    requireRole(viewer, 'ADMIN');
    const list = await this.deps.lists.list(em, viewer, listId);
    if (list.archivedAt) throw errors.conflict('This list is archived; restore it before importing into it.');
    const id = this.deps.ids.uuid();
    const name = (fileName.trim() || 'upload.csv').slice(0, 255);
    const conn = em.getConnection();
    // Uploaded files are working copies: the organisation's older than a week go (with their chunks).
    await conn.execute(`DELETE FROM csv_import WHERE organization_id = ? AND created_at < ?`, [viewer.organizationId, new Date(this.deps.clock.now().getTime() - KEEP_DAYS * 86_400_000)]);
    await conn.execute(
      `INSERT INTO csv_import (id, organization_id, list_id, file_name, byte_size, encoding, delimiter, headers, sample_rows, row_count, created_by, created_at)
       VALUES (?, ?, ?, ?, 0, 'UTF8', ',', '[]', '[]', 0, ?, ?)`,
      [id, viewer.organizationId, list.id, name, viewer.actor.label, this.deps.clock.now()],
    );
    let seq = 0;
    let size = 0;
    let buffered: Buffer[] = [];
    let bufferedBytes = 0;
    const flush = async () => {
      if (bufferedBytes === 0) return;
      const data = Buffer.concat(buffered, bufferedBytes);
      buffered = [];
      bufferedBytes = 0;
      await conn.execute(`INSERT INTO csv_import_chunk (import_id, seq, data) VALUES (?, ?, ?)`, [id, seq++, data]);
    };
    try {
      const { head, rows } = await readCsv(bytes, {
        maxBytes: this.deps.maxBytes,
        onBytes: async (chunk) => {
          size += chunk.length;
          buffered.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          bufferedBytes += chunk.length;
          if (bufferedBytes >= CHUNK) await flush();
        },
      });
      const sample: string[][] = [];
      let count = 0;
      for await (const r of rows) {
        count += 1;
        if (sample.length < SAMPLE_ROWS) sample.push(r.cells);
      }
      await flush();
      if (head.headers.every((h) => h === '')) throw badFile('NO_HEADERS', 'The first row of the file is empty; it must name the columns (for example Employee ID, Email, First name).');
      if (count === 0) throw badFile('HEADER_ONLY', `The file has a header row (${head.headers.slice(0, 5).join(', ')}${head.headers.length > 5 ? ', …' : ''}) but no rows of people. Add one row per person below the header.`);
      await conn.execute(`UPDATE csv_import SET byte_size = ?, encoding = ?, delimiter = ?, headers = ?::jsonb, sample_rows = ?::jsonb, row_count = ? WHERE id = ?`, [
        size, head.encoding, head.delimiter, JSON.stringify(head.headers), JSON.stringify(sample), count, id,
      ]);
    } catch (err) {
      await conn.execute(`DELETE FROM csv_import WHERE id = ?`, [id]).catch(() => undefined);
      throw err;
    }
    return this.get(em, viewer, id);
  }

  async get(em: EntityManager, viewer: Viewer, id: string): Promise<CsvImportView> {
    const rows = isUuid(id) ? await em.execute<Array<Record<string, unknown>>>(`SELECT ${COLUMNS} FROM csv_import WHERE id = ? AND organization_id = ?`, [id, viewer.organizationId]) : [];
    if (!rows[0]) throw errors.notFound('CSV import', id);
    return view(rows[0]);
  }

  /** The stored file's rows, read again from the database a chunk at a time. */
  private async rows(importId: string): Promise<{ headerRow: number; rows: AsyncGenerator<CsvRow> }> {
    const conn = this.deps.orm.em.getConnection();
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let seq = 0; ; seq++) {
        const [c] = await conn.execute<Array<{ data: Buffer }>>(`SELECT data FROM csv_import_chunk WHERE import_id = ? AND seq = ?`, [importId, seq]);
        if (!c) return;
        yield c.data;
      }
    }
    const { head, rows } = await readCsv(chunks(), { maxBytes: Number.MAX_SAFE_INTEGER });
    return { headerRow: head.headerRow, rows };
  }

  /** The file's columns with samples, and the field each would map onto (remembered, else by name). */
  async columns(em: EntityManager, viewer: Viewer, imp: CsvImportView): Promise<CsvColumnView[]> {
    const list = await this.deps.lists.list(em, viewer, imp.listId);
    const fields = await this.deps.lists.fields(em, list.id);
    const remembered = await this.remembered(em, list.id);
    const uidKey = fields.find((f) => f.id === list.uidFieldId)?.key ?? null;
    const taken = new Set<string>();
    return imp.headers.map((name, i) => {
      const samples = imp.sampleRows.map((r) => r[i] ?? '').filter((v) => v.trim() !== '');
      let suggestion = remembered.get(name) ?? null;
      if (!suggestion) suggestion = fields.find((f) => norm(f.key) === norm(name) || norm(f.label) === norm(name))?.key ?? null;
      if (suggestion && taken.has(suggestion)) suggestion = null;
      if (suggestion) taken.add(suggestion);
      return { name, position: i + 1, samples, suggestedFieldKey: suggestion, suggestedType: guessType(samples), suggestedUid: suggestion !== null && suggestion === uidKey };
    });
  }

  /** column → field key of the list's remembered CSV mapping. */
  private async remembered(em: EntityManager, listId: string): Promise<Map<string, string>> {
    const rows = await em.execute<Array<{ source_attribute: string; key: string }>>(
      `SELECT m.source_attribute, f.key FROM field_mapping m JOIN list_field f ON f.id = m.field_id WHERE m.list_id = ? AND m.provider = 'csv'`,
      [listId],
    );
    return new Map(rows.map((r) => [r.source_attribute, r.key]));
  }

  /**
   * Sets the import's mapping (creating fields on the way) and UID column, in one transaction, and
   * remembers it for the list's next import. The UID column's field becomes the list's UID field
   * when it is not already (refused when people's values could not identify them).
   */
  async setMapping(em: EntityManager, viewer: Viewer, importId: string, input: { mappings: MappingInput[]; uidColumn: string }): Promise<CsvImportView> {
    requireRole(viewer, 'ADMIN');
    const imp = await this.get(em, viewer, importId);
    this.notCommitted(imp);
    const list = await this.deps.lists.list(em, viewer, imp.listId);
    if (!input.mappings.length) throw errors.badInput('Map at least one column, including the UID column.', 'mappings');
    const existing = new Map((await this.deps.lists.fields(em, list.id)).map((f) => [f.key, f]));
    const headers = new Set(imp.headers.filter(Boolean));
    const { plan, toCreate } = checkMappings(input.mappings, existing, (raw, i) => {
      const column = raw.trim();
      if (!headers.has(column)) throw errors.badInput(`Mapping ${i + 1}: the file has no column "${raw}"; its columns are ${imp.headers.filter(Boolean).map((h) => `"${h}"`).join(', ')}.`, `mappings.${i}.sourceAttribute`);
      return column;
      // A header may be anything ("Born", "DOB (dd)"): a new field's key comes from its label.
    }, (_column, label) => keyFor(label, label));
    const uid = plan.find((p) => p.attribute === input.uidColumn.trim());
    if (!uid) throw errors.badInput('Choose the UID column among the mapped columns: it identifies each person.', 'uidColumn');
    await em.transactional(async (tem) => {
      const fields = new Map(existing);
      for (const [key, f] of toCreate) fields.set(key, await this.deps.lists.addField(tem, viewer, list.id, { key, label: f.label, type: f.type }));
      const uidField = fields.get(uid.key)!;
      if (list.uidFieldId !== uidField.id) {
        try {
          await this.deps.lists.setUidField(tem, viewer, list.id, uidField.id);
        } catch (err) {
          if (err instanceof AppError) throw new AppError(err.code, err.message, { ...err.details, field: 'uidColumn' });
          throw err;
        }
      }
      const before = await this.remembered(tem, list.id);
      await tem.execute(`DELETE FROM field_mapping WHERE list_id = ? AND provider = 'csv'`, [list.id]);
      for (const p of plan) {
        await tem.execute(`INSERT INTO field_mapping (id, organization_id, list_id, field_id, provider, source_attribute, transform) VALUES (?, ?, ?, ?, 'csv', ?, ?)`, [
          this.deps.ids.uuid(), viewer.organizationId, list.id, fields.get(p.key)!.id, p.attribute, p.transform,
        ]);
      }
      const mapping: CsvColumnMapping[] = plan.map((p) => ({ column: p.attribute, fieldKey: p.key, transform: p.transform }));
      await tem.execute(`UPDATE csv_import SET mapping = ?::jsonb, uid_column = ?, preview_run_id = NULL WHERE id = ?`, [JSON.stringify(mapping), uid.attribute, imp.id]);
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId,
        listId: list.id,
        entityType: 'master_list',
        entityId: list.id,
        action: 'csv.mapping_changed',
        actor: viewer.actor,
        changes: [{ field: 'mappings', before: Object.fromEntries(before), after: Object.fromEntries(plan.map((p) => [p.attribute, p.key])) }],
      });
    });
    em.clear();
    return this.get(em, viewer, imp.id);
  }

  private notCommitted(imp: CsvImportView): void {
    if (imp.runId) throw errors.conflict('This file has been committed already; upload it again to import it once more.', { runId: imp.runId });
  }

  /** The checker for an import's mapping, against the list's fields and locks as they are now. */
  private async checker(em: EntityManager, viewer: Viewer, imp: CsvImportView): Promise<CsvRowChecker> {
    if (!imp.mapping || !imp.uidColumn) throw errors.badInput('Map the columns and choose the UID column first (setCsvImportMapping).', 'mapping');
    const list = await this.deps.lists.list(em, viewer, imp.listId);
    const fields = new Map<string, ListField>((await this.deps.lists.fields(em, list.id)).map((f) => [f.key, f]));
    const missing = imp.mapping.find((m) => !fields.has(m.fieldKey));
    if (missing) throw errors.conflict(`The field "${missing.fieldKey}" was removed from the list since the mapping was set; map "${missing.column}" again.`, { field: missing.fieldKey });
    const uidKey = fields.get(imp.mapping.find((m) => m.column === imp.uidColumn)!.fieldKey)!;
    if (uidKey.id !== list.uidFieldId) throw errors.conflict('The list identifies people by another field since the mapping was set; choose the UID column again.');
    const locked = await this.deps.lists.lockedFields(em, list);
    return new CsvRowChecker(imp.headers, imp.mapping, fields, imp.uidColumn, locked);
  }

  /** Every problem of the file under its mapping, in file order (header first), streamed. */
  async *problems(em: EntityManager, viewer: Viewer, imp: CsvImportView): AsyncGenerator<CsvProblem, CsvRowChecker> {
    const checker = await this.checker(em, viewer, imp);
    const { headerRow, rows } = await this.rows(imp.id);
    yield* checker.headerProblems(headerRow);
    for await (const r of rows) yield* checker.check(r).problems;
    yield* checker.fileProblems();
    return checker;
  }

  /** Checks the whole file before anything is written: counts, and the first `first` problems. */
  async validate(em: EntityManager, viewer: Viewer, imp: CsvImportView, first = 100): Promise<CsvValidationView> {
    const out: CsvProblem[] = [];
    let errorCount = 0;
    let warningCount = 0;
    let fileProblem: CsvProblem | null = null;
    const it = this.problems(em, viewer, imp);
    let checker: CsvRowChecker;
    for (;;) {
      const n = await it.next();
      if (n.done) {
        checker = n.value;
        break;
      }
      if (n.value.severity === 'WARNING') warningCount += 1;
      else {
        errorCount += 1;
        if (n.value.row === null) fileProblem ??= n.value;
      }
      if (out.length < first) out.push(n.value);
    }
    return { rowCount: checker.rows, validRows: checker.rows - checker.invalidRows, invalidRows: checker.invalidRows, errorCount, warningCount, problems: out, fileProblem };
  }

  /** The full problem list as CSV lines (header line first), for download. */
  async *problemsCsv(em: EntityManager, viewer: Viewer, importId: string): AsyncGenerator<string> {
    const imp = await this.get(em, viewer, importId);
    // The first problem is read before the header line, so a refusal (no mapping yet) is answered
    // with its status instead of a download cut off after it started.
    const problems = this.problems(em, viewer, imp);
    let n = await problems.next();
    yield csvLine(['Row', 'Column', 'Severity', 'Problem']);
    for (; !n.done; n = await problems.next()) yield csvLine([n.value.row === null ? '' : String(n.value.row), n.value.column ?? '', n.value.severity, n.value.message]);
  }

  /**
   * A dry run of the engine with the file: what would be created, updated, left unchanged,
   * reactivated and (full roster) deactivated, kept on a sync run for review. Nothing is written.
   */
  async preview(em: EntityManager, viewer: Viewer, importId: string, opts: Omit<CommitOptions, 'skipInvalidRows'>): Promise<{ runId: string; duplicates: PossibleDuplicate[] }> {
    requireRole(viewer, 'ADMIN');
    const imp = await this.get(em, viewer, importId);
    this.notCommitted(imp);
    const checker = await this.checker(em, viewer, imp);
    const source = this.source(imp, checker, { ...opts, skipInvalidRows: true });
    const outcome = await this.deps.runner.run({ organizationId: viewer.organizationId, listId: imp.listId, source, trigger: 'MANUAL', mode: 'DRY_RUN', actor: this.actor(viewer, imp) });
    await em.getConnection().execute(`UPDATE csv_import SET preview_run_id = ? WHERE id = ?`, [outcome.runId, imp.id]);
    return { runId: outcome.runId, duplicates: await this.duplicates(em, imp, checker, outcome.runId) };
  }

  /**
   * People of the list with another UID that a create of the previewed plan may duplicate: the
   * same email (case-insensitive), or the same first name, last name and date of birth; and
   * people matched by email whose UID the file would change.
   */
  private async duplicates(em: EntityManager, imp: CsvImportView, checker: CsvRowChecker, runId: string): Promise<PossibleDuplicate[]> {
    const fields = await this.deps.lists.fields(em, imp.listId);
    const mapped = new Set(imp.mapping!.map((m) => m.fieldKey));
    const pick = (keys: Set<string>, type?: FieldType) => fields.find((f) => mapped.has(f.key) && (type ? f.type === type : true) && (keys.has(norm(f.key)) || keys.has(norm(f.label))))?.key ?? null;
    const email = fields.find((f) => mapped.has(f.key) && f.type === 'EMAIL')?.key ?? null;
    const first = pick(FIRST);
    const last = pick(LAST);
    const birth = pick(BIRTH, 'DATE');
    const conds: string[] = [];
    const params: unknown[] = [];
    if (email) {
      conds.push(`SELECT c.uid, c.v, p.id, p.uid AS puid, p."values" AS pv, 'EMAIL' AS reason FROM c JOIN person p ON p.list_id = ? AND p.uid <> c.uid
                   AND lower(btrim(p."values"->>?)) = lower(btrim(c.v->>?)) WHERE c.v->>? IS NOT NULL`);
      params.push(imp.listId, email, email, email);
    }
    if (first && last && birth) {
      conds.push(`SELECT c.uid, c.v, p.id, p.uid AS puid, p."values" AS pv, 'NAME_AND_BIRTH_DATE' AS reason FROM c JOIN person p ON p.list_id = ? AND p.uid <> c.uid
                   AND lower(p."values"->>?) = lower(c.v->>?) AND lower(p."values"->>?) = lower(c.v->>?) AND p."values"->>? = c.v->>? WHERE c.v->>? IS NOT NULL`);
      params.push(imp.listId, first, first, last, last, birth, birth, birth);
    }
    const out: PossibleDuplicate[] = [];
    if (conds.length > 0) {
      const rows = await em.execute<Array<{ uid: string; v: Record<string, unknown>; id: string; puid: string; pv: Record<string, unknown>; reason: PossibleDuplicate['reason'] }>>(
        `WITH c AS (SELECT x->>'uid' AS uid, x->'values' AS v FROM sync_run r, jsonb_array_elements(r.held_plan->'creates') x WHERE r.id = ?)
         ${conds.join(' UNION ALL ')} LIMIT 100`,
        [runId, ...params],
      );
      for (const r of rows) out.push({ uid: r.uid, row: r.v, personId: r.id, personUid: r.puid, personValues: r.pv, reason: r.reason });
    }
    // Matched by email, so the file would give an existing person a new UID.
    const moved = await em.execute<Array<{ uid: string; id: string; puid: string; pv: Record<string, unknown> }>>(
      `SELECT u->>'uid' AS uid, p.id, p.uid AS puid, p."values" AS pv
         FROM sync_run r, jsonb_array_elements(r.held_plan->'updates') u JOIN person p ON p.id = (u->>'personId')::uuid
        WHERE r.id = ? AND p.uid <> u->>'uid' LIMIT 100`,
      [runId],
    );
    for (const r of moved) out.push({ uid: r.uid, row: {}, personId: r.id, personUid: r.puid, personValues: r.pv, reason: 'EMAIL' });
    return out;
  }

  /**
   * Commits the file as a sync run of source CSV through the engine (counts, progress, audit,
   * events). Refused while any row has an error unless invalid rows are to be skipped, and always
   * when the UID column is empty throughout. Returns the run at once; it runs in this process.
   */
  async commit(em: EntityManager, viewer: Viewer, importId: string, opts: CommitOptions): Promise<string> {
    requireRole(viewer, 'ADMIN');
    const imp = await this.get(em, viewer, importId);
    this.notCommitted(imp);
    const v = await this.validate(em, viewer, imp, 1);
    if (v.fileProblem) throw errors.badInput(v.fileProblem.message, 'file');
    if (v.validRows === 0) throw errors.badInput('No row of the file can be imported: every row has an error. Download the problems, fix the file and upload it again.', 'file');
    if (v.errorCount > 0 && !opts.skipInvalidRows) {
      throw errors.badInput(`The file has ${v.errorCount} problem${v.errorCount === 1 ? '' : 's'} in ${v.invalidRows} row${v.invalidRows === 1 ? '' : 's'}; nothing was imported. Fix them and upload the file again, or choose to skip invalid rows.`, 'skipInvalidRows');
    }
    const checker = await this.checker(em, viewer, imp);
    const actor = this.actor(viewer, imp);
    const runId = await this.deps.runner.enqueue({ organizationId: viewer.organizationId, listId: imp.listId, sourceName: 'csv', trigger: 'MANUAL', mode: opts.fullRoster ? 'FULL' : 'DELTA', actor });
    const claimed = await em.getConnection().execute(`UPDATE csv_import SET run_id = ? WHERE id = ? AND run_id IS NULL`, [runId, imp.id], 'run');
    if (((claimed as { affectedRows?: number }).affectedRows ?? 0) === 0) {
      await this.deps.runner.cancel(viewer.organizationId, runId, actor).catch(() => undefined);
      throw errors.conflict('This file has been committed already; upload it again to import it once more.');
    }
    const source = this.source(imp, checker, opts);
    const run = this.deps.runner
      .run({ organizationId: viewer.organizationId, listId: imp.listId, source, trigger: 'MANUAL', mode: opts.fullRoster ? 'FULL' : 'DELTA', actor, reviewed: true }, runId)
      .catch((err: unknown) => this.deps.logger.error({ err, runId }, 'CSV import run failed'));
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return runId;
  }

  private source(imp: CsvImportView, checker: CsvRowChecker, opts: CommitOptions): CsvSource {
    return new CsvSource({
      rows: async () => (await this.rows(imp.id)).rows,
      checker,
      fullRoster: opts.fullRoster,
      skipUids: new Set((opts.skipUids ?? []).map((u) => u.trim()).filter(Boolean)),
    });
  }

  private actor(viewer: Viewer, imp: CsvImportView) {
    return { type: 'SYNC' as const, id: null, label: `CSV import of ${imp.fileName} (by ${viewer.actor.label})` };
  }

  /** Waits for imports running in this process (shutdown and tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
