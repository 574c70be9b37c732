import type { PersonValues } from '../../people/person.entity.js';
import type { FieldChange } from '../../audit/audit-entry.entity.js';
import type { CurrentPerson, DesiredPerson, Plan, PlanOptions } from './types.js';

const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);
const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : null);

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
  const result: Plan = { creates: [], updates: [], deactivations: [], reactivations: [], unchanged: 0, problems: [] };
  const byAnchor = new Map<string, CurrentPerson>();
  const byUid = new Map<string, CurrentPerson>();
  const byEmail = new Map<string, CurrentPerson>();
  for (const p of current) {
    if (p.source === opts.source && p.sourceAnchor) byAnchor.set(p.sourceAnchor, p);
    byUid.set(p.uid, p);
    const email = opts.emailKey ? lower(p.values[opts.emailKey]) : null;
    if (email && !byEmail.has(email)) byEmail.set(email, p);
  }
  const matched = new Set<string>();
  const free = (p: CurrentPerson | undefined) => (p && !matched.has(p.id) ? p : undefined);
  const seenAnchors = new Set<string>();
  const claimedUids = new Map<string, string>();

  for (const d of desired) {
    if (seenAnchors.has(d.anchor)) {
      result.problems.push({ anchor: d.anchor, reason: 'the source returned this record twice; the first was used' });
      continue;
    }
    seenAnchors.add(d.anchor);
    // A partial record without the UID attribute keeps the UID of the person its anchor names.
    const anchored = d.partial && !(opts.uidKey in d.values) ? free(byAnchor.get(d.anchor)) : undefined;
    const uidValue = anchored ? anchored.uid : d.values[opts.uidKey];
    const uid = uidValue === null || uidValue === undefined ? null : String(uidValue);
    if (!uid) {
      result.problems.push({ anchor: d.anchor, reason: `no value for the UID field "${opts.uidKey}"` });
      continue;
    }
    const owner = claimedUids.get(uid);
    if (owner) {
      result.problems.push({ anchor: d.anchor, reason: `UID "${uid}" is also used by source record ${owner}; UIDs must be unique` });
      continue;
    }
    claimedUids.set(uid, d.anchor);

    const email = opts.emailKey ? lower(d.values[opts.emailKey]) : null;
    const person = free(byAnchor.get(d.anchor)) ?? free(byUid.get(uid)) ?? (email ? free(byEmail.get(email)) : undefined);

    if (!person) {
      // A disabled account Rollcall never had becomes a person only when the list asks for them.
      if (d.active !== false) result.creates.push({ anchor: d.anchor, uid, values: pick(d.values, opts.ownedKeys), status: 'ACTIVE' });
      else if (opts.createInactive) result.creates.push({ anchor: d.anchor, uid, values: pick(d.values, opts.ownedKeys), status: 'INACTIVE' });
      continue;
    }
    matched.add(person.id);
    // The UID may now belong to someone else in the list (matched by anchor, UID moved).
    const holder = byUid.get(uid);
    if (holder && holder.id !== person.id && !matched.has(holder.id)) {
      result.problems.push({ anchor: d.anchor, reason: `UID "${uid}" already belongs to another person in the list (${holder.id})` });
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
    const reanchor = person.source !== opts.source || person.sourceAnchor !== d.anchor;
    if (changes.length > 0 || reanchor) result.updates.push({ personId: person.id, uid, anchor: d.anchor, changes, values, reanchor });

    if (person.status === 'ACTIVE' && d.active === false) result.deactivations.push({ personId: person.id, uid, reason: 'disabled_at_source' });
    else if (person.status === 'INACTIVE' && d.active === true) result.reactivations.push({ personId: person.id, uid, reason: 'back_in_scope' });
    else if (changes.length === 0 && !reanchor) result.unchanged += 1;
  }

  const removed = opts.mode === 'full' ? null : new Set(opts.removedAnchors ?? []);
  const skipped = new Set([...(opts.skippedAnchors ?? []), ...result.problems.map((x) => x.anchor)]);
  for (const p of current) {
    if (matched.has(p.id) || p.status !== 'ACTIVE' || p.source !== opts.source) continue;
    if (p.sourceAnchor !== null && skipped.has(p.sourceAnchor)) continue;
    const gone = removed === null ? true : p.sourceAnchor !== null && removed.has(p.sourceAnchor);
    if (gone) result.deactivations.push({ personId: p.id, uid: p.uid, reason: 'removed_from_scope' });
  }
  return result;
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
