import type { RawSql } from '../../db/raw-sql.js';

/** Every how many users of a list's default order a position is remembered. */
export const ANCHOR_EVERY = 1000;
/** How long a list's remembered positions are used before they are read again. */
const ANCHORS_TTL_MS = 30_000;

/** A position in the default order (`created_at, person_id`), as a keyset cursor. */
export interface Anchor {
  createdAt: string;
  personId: string;
}

interface Anchors {
  /** anchors[k] is the user at position (k + 1) × ANCHOR_EVERY. */
  anchors: Anchor[];
  /** How many users the list had when they were read, and the last of them. */
  total: number;
  last: Anchor | null;
  until: number;
}

/**
 * Positions of a list's users in the default order, remembered every ANCHOR_EVERY users, so that a
 * page at `startIndex` deep in the list is a keyset scan from the nearest position before it
 * (at most ANCHOR_EVERY - 1 index entries skipped) instead of an OFFSET over everything before it.
 * One index-only pass reads them, at most once per ANCHORS_TTL_MS per list and process, in the
 * background once a list has positions (the known ones answer meanwhile). Users are
 * appended at the end of this order (created_at is the write's time), so positions stay true while
 * users are created; a user erased or a create that commits after a later one shifts later pages by
 * one until the positions are read again, which RFC 7644 §3.4.2.4 allows ("clients MUST be prepared
 * to handle inconsistent results" of index-based paging).
 */
export class PageAnchors {
  private readonly lists = new Map<string, Anchors>();
  private readonly reading = new Map<string, Promise<Anchors>>();

  constructor(private readonly now: () => number) {}

  async get(sql: RawSql, listId: string): Promise<Anchors> {
    const known = this.lists.get(listId);
    if (known && known.until > this.now()) return known;
    const pending = this.reading.get(listId) ?? this.refresh(sql, listId);
    // Positions read before stay true while users are appended: they answer at once while newer
    // ones are read (only a list's first deep page in a process waits for the pass).
    return known ?? pending;
  }

  private refresh(sql: RawSql, listId: string): Promise<Anchors> {
    const read = this.read(sql, listId).finally(() => this.reading.delete(listId));
    this.reading.set(listId, read);
    // A failed refresh in the background is retried by the next page; a waiting caller sees it.
    read.catch(() => undefined);
    return read;
  }

  private async read(sql: RawSql, listId: string): Promise<Anchors> {
    // created_at as text to the microsecond: a JavaScript Date would round it to the millisecond.
    const rows = await sql.select<{ n: string; created_at: string; person_id: string; total: string }>(
      `SELECT n, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at, person_id, total FROM (
         SELECT su.created_at, su.person_id, row_number() OVER (ORDER BY su.created_at, su.person_id) AS n, count(*) OVER () AS total
           FROM scim_user su WHERE su.list_id = ?) x
        WHERE n % ? = 0 OR n = total ORDER BY n`,
      [listId, ANCHOR_EVERY],
    );
    const at = (r: { created_at: string; person_id: string }): Anchor => ({ createdAt: r.created_at, personId: r.person_id });
    const every = rows.filter((r) => Number(r.n) % ANCHOR_EVERY === 0).map(at);
    const lastRow = rows.at(-1);
    const anchors: Anchors = { anchors: every, total: lastRow ? Number(lastRow.total) : 0, last: lastRow ? at(lastRow) : null, until: this.now() + ANCHORS_TTL_MS };
    if (this.lists.size > 1000) this.lists.clear();
    this.lists.set(listId, anchors);
    return anchors;
  }
}
