import type { PersonValues } from '../../people/person.entity.js';
import type { FieldChange } from '../../audit/audit-entry.entity.js';
import type { CurrentPerson, DesiredPerson, Plan, PlannedStatusChange, PlanOptions } from './types.js';

const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);
const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : null);

/** An empty changeset, to fill. */
export function emptyPlan(): Plan {
  return { creates: [], updates: [], deactivations: [], reactivations: [], unchanged: 0, problems: [] };
}

/**
 * Compares what a source wants with what the list holds and says what to write: a pure function,
 * so every source plans the same way and tests need no database.
 *
 * Matching, in order: the source anchor, then the UID, then the email field (case-insensitive),
 * each among people not matched yet, so a renamed UID or a changed email never creates a
 * duplicate. Only owned (mapped) fields are compared and written; local-only fields are kept.
 * People are deactivated, never deleted: in a full run, this source's people missing from the
 * desired set; in a delta run, the anchors reported removed; in both, disabled accounts.
 */
export function plan(current: readonly CurrentPerson[], desired: readonly DesiredPerson[], opts: PlanOptions): Plan {
  const planner = new Planner(opts);
  const result = emptyPlan();
  planner.addPage(current, desired, result);
  result.deactivations.push(...planner.removals(current, opts.mode === 'full' ? null : (opts.removedAnchors ?? []), opts.skippedAnchors ?? []));
  return result;
}

/**
 * `plan`, a page at a time, so a directory of a million never has to be in memory: each page is
 * planned against the people its records can match (by anchor, UID or email, looked up by the
 * caller), and what the planner remembers between pages is one anchor and one UID per record.
 * Records are processed in order exactly as `plan` does; a person counts as matched once a
 * record has claimed it, which is how people created or re-anchored earlier in the run (even
 * if already written) are never matched twice.
 */
export class Planner {
  /** Anchors of the records planned so far (the first record with an anchor wins). */
  private readonly seen = new Set<string>();
  /** UID → anchor of the record that claimed it. */
  private readonly claimedUids = new Map<string, string>();
  /** People matched by a record of another anchor (adopted or re-anchored). */
  private readonly matchedOther = new Set<string>();
  /** Anchors of records that failed before matching anyone (their own person is not matched by them). */
  private readonly unmatched = new Set<string>();
  /** Anchors of every record reported as a problem: their people are never deactivated. */
  private readonly problemAnchors = new Set<string>();
  /** Matched people that were active: what a run can no longer deactivate as missing. */
  matchedActive = 0;

  constructor(private readonly opts: Omit<PlanOptions, 'mode' | 'removedAnchors' | 'skippedAnchors'>) {}

  /** Whether the person is this source's to deactivate: its own, and for a hand-fed source also people no source manages. */
  owns(p: CurrentPerson): boolean {
    return p.source === this.opts.source || (this.opts.handFed === true && p.source === null);
  }

  /** Whether a record of this run has claimed the person. */
  isMatched(p: CurrentPerson): boolean {
    if (this.matchedOther.has(p.id)) return true;
    return p.source === this.opts.source && p.sourceAnchor !== null && this.seen.has(p.sourceAnchor) && !this.unmatched.has(p.sourceAnchor);
  }

  /**
   * Plans `desired` (the next records, in source order) into `into`. `current` must hold every
   * person the records can match: by this source's anchor, by UID, and by email.
   */
  addPage(current: readonly CurrentPerson[], desired: readonly DesiredPerson[], into: Plan): void {
    const opts = this.opts;
    const byAnchor = new Map<string, CurrentPerson>();
    const byUid = new Map<string, CurrentPerson>();
    const byEmail = new Map<string, CurrentPerson>();
    for (const p of current) {
      if (p.source === opts.source && p.sourceAnchor) byAnchor.set(p.sourceAnchor, p);
      byUid.set(p.uid, p);
      // Someone this source holds by an anchor is its by that anchor, never adopted by email by
      // another record (as `emailIndex` reads the list): else the order of records would decide.
      const email = opts.emailKey && !(p.source === opts.source && p.sourceAnchor) ? lower(p.values[opts.emailKey]) : null;
      if (email && !byEmail.has(email)) byEmail.set(email, p);
    }
    const free = (p: CurrentPerson | undefined) => (p && !this.isMatched(p) ? p : undefined);
    // A stronger match of a later record of the page wins over a weaker one of an earlier record,
    // so the order of records never decides who is whom: a person a record names by anchor is
    // not taken by another's UID, and one named by anchor or UID is not adopted by email.
    const byAnchorOf = new Map<string, string>();
    for (const d of desired) {
      const p = byAnchor.get(d.anchor);
      if (p && !byAnchorOf.has(p.id)) byAnchorOf.set(p.id, d.anchor);
    }
    const namedByUid = new Set<string>();
    for (const d of desired) {
      const v = d.values[opts.uidKey];
      const p = v === null || v === undefined ? undefined : byUid.get(String(v));
      if (p) namedByUid.add(p.id);
    }
    const byUidFor = (d: DesiredPerson, uid: string) => {
      const p = byUid.get(uid);
      const owner = p ? byAnchorOf.get(p.id) : undefined;
      return owner === undefined || owner === d.anchor ? p : undefined;
    };
    const byEmailFor = (email: string) => {
      const p = byEmail.get(email);
      return p && !byAnchorOf.has(p.id) && !namedByUid.has(p.id) ? p : undefined;
    };
    const problem = (d: DesiredPerson, reason: string, matched: boolean) => {
      into.problems.push({ anchor: d.anchor, reason });
      this.problemAnchors.add(d.anchor);
      if (!matched) this.unmatched.add(d.anchor);
    };

    for (const d of desired) {
      if (this.seen.has(d.anchor)) {
        into.problems.push({ anchor: d.anchor, reason: 'the source returned this record twice; the first was used' });
        this.problemAnchors.add(d.anchor);
        continue;
      }
      try {
        // A partial record without the UID attribute keeps the UID of the person its anchor names.
        const anchored = d.partial && !(opts.uidKey in d.values) ? free(byAnchor.get(d.anchor)) : undefined;
        const uidValue = anchored ? anchored.uid : d.values[opts.uidKey];
        const uid = uidValue === null || uidValue === undefined ? null : String(uidValue);
        if (!uid) {
          problem(d, `no value for the UID field "${opts.uidKey}"`, false);
          continue;
        }
        const owner = this.claimedUids.get(uid);
        if (owner) {
          problem(d, `UID "${uid}" is also used by source record ${owner}; UIDs must be unique`, false);
          continue;
        }
        this.claimedUids.set(uid, d.anchor);

        const email = opts.emailKey ? lower(d.values[opts.emailKey]) : null;
        const person = free(byAnchor.get(d.anchor)) ?? free(byUidFor(d, uid)) ?? (email ? free(byEmailFor(email)) : undefined);

        if (!person) {
          // The UID is still someone else's (another record's person, moving to a new UID in this
          // run): the writer applies updates before creates, but a long run hands its changes over
          // in batches, and that person's update may come in a later one. The next run, with the
          // UID free, creates the person.
          const holder = byUid.get(uid);
          if (holder) {
            problem(d, `UID "${uid}" already belongs to another person in the list (${holder.id}); it is created once that person's UID has changed`, false);
            continue;
          }
          // A disabled account Rollcall never had becomes a person only when the list asks for them.
          if (d.active !== false) into.creates.push({ anchor: d.anchor, uid, values: pick(d.values, opts.ownedKeys), status: 'ACTIVE' });
          else if (opts.createInactive) into.creates.push({ anchor: d.anchor, uid, values: pick(d.values, opts.ownedKeys), status: 'INACTIVE' });
          continue;
        }
        const other = person.source !== opts.source || person.sourceAnchor !== d.anchor;
        if (other) this.matchedOther.add(person.id);
        // A hand-fed source leaves people another source manages with that source.
        const reanchor = other && !(opts.handFed && person.source !== null && person.source !== opts.source);
        if (person.status === 'ACTIVE') this.matchedActive += 1;
        // The UID may now belong to someone else in the list (matched by anchor, UID moved). Even
        // when that person's record moves them to another UID in this run, the UID is theirs until
        // that is written, and the order of rows in one statement is not defined: the move waits
        // for the next run rather than failing the whole batch on the unique constraint.
        const holder = byUid.get(uid);
        if (holder && holder.id !== person.id) {
          problem(d, `UID "${uid}" already belongs to another person in the list (${holder.id})${this.isMatched(holder) || byAnchorOf.has(holder.id) ? ', who changes UID in this run; it moves on the next run' : ''}`, true);
          continue;
        }

        const changes: FieldChange[] = [];
        const values: PersonValues = { ...person.values };
        for (const key of opts.ownedKeys) {
          if (d.partial && !(key in d.values)) continue;
          const after = d.values[key] ?? null;
          if (same(person.values[key], after)) continue;
          changes.push({ field: key, before: person.values[key] ?? null, after });
          if (after === null) delete values[key];
          else values[key] = after;
        }
        if (changes.length > 0 || reanchor) into.updates.push({ personId: person.id, uid, anchor: d.anchor, changes, values, reanchor });

        if (person.status === 'ACTIVE' && d.active === false) into.deactivations.push({ personId: person.id, uid, reason: 'disabled_at_source' });
        else if (person.status === 'INACTIVE' && d.active === true) into.reactivations.push({ personId: person.id, uid, reason: 'back_in_scope' });
        else if (changes.length === 0 && !reanchor) into.unchanged += 1;
      } finally {
        this.seen.add(d.anchor);
      }
    }
  }

  /**
   * Once every record is planned: which of `people` leave. With `removed` null (a full run) this
   * source's active people no record claimed; otherwise those whose anchor is in `removed`.
   * People whose records were problems or could not be mapped (`skipped`) stay.
   */
  removals(people: Iterable<CurrentPerson>, removed: readonly string[] | null, skipped: readonly string[]): PlannedStatusChange[] {
    const gone = removed === null ? null : new Set(removed);
    const keep = new Set(skipped);
    const out: PlannedStatusChange[] = [];
    const handFed = this.opts.handFed ?? false;
    for (const p of people) {
      if (p.status !== 'ACTIVE' || !this.owns(p) || this.isMatched(p)) continue;
      if (p.sourceAnchor !== null && (keep.has(p.sourceAnchor) || this.problemAnchors.has(p.sourceAnchor))) continue;
      // A hand-fed source's anchor is the UID: a person added by hand whose row was a problem stays.
      if (handFed && (keep.has(p.uid) || this.problemAnchors.has(p.uid))) continue;
      if (gone === null || (p.sourceAnchor !== null && gone.has(p.sourceAnchor))) out.push({ personId: p.id, uid: p.uid, reason: 'removed_from_scope' });
    }
    return out;
  }
}

function pick(values: PersonValues, keys: readonly string[]): PersonValues {
  const out: PersonValues = {};
  for (const k of keys) if (values[k] !== null && values[k] !== undefined) out[k] = values[k]!;
  return out;
}

/** Counts by kind, for run summaries and dry-run previews. */
export function planCounts(p: Plan) {
  return {
    created: p.creates.length,
    updated: p.updates.filter((u) => u.changes.length > 0).length,
    deactivated: p.deactivations.length,
    reactivated: p.reactivations.length,
    unchanged: p.unchanged,
    errors: p.problems.length,
  };
}
