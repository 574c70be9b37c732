import { describe, expect, it } from 'vitest';
import { emptyPlan, plan, planCounts, Planner } from './plan.js';
import { checkSafety } from './safety.js';
import { mapRecord } from './mapping.js';
import type { CurrentPerson, DesiredPerson, PlanOptions } from './types.js';
import type { ListField } from '../../lists/list.entities.js';

const opts: PlanOptions = { source: 'entra', uidKey: 'employee_id', emailKey: 'email', ownedKeys: ['employee_id', 'email', 'department'], mode: 'full' };
const person = (id: string, uid: string, extra: Partial<CurrentPerson> = {}, values: Record<string, string> = {}): CurrentPerson => ({
  id, uid, status: 'ACTIVE', source: 'entra', sourceAnchor: `obj-${id}`, values: { employee_id: uid, email: `${uid.toLowerCase()}@x.test`, ...values }, ...extra,
});
const want = (anchor: string, uid: string, values: Record<string, string | null> = {}, active = true): DesiredPerson => ({
  anchor, active, values: { employee_id: uid, email: `${uid.toLowerCase()}@x.test`, ...values } as DesiredPerson['values'],
});

describe('plan', () => {
  it.each<[string, CurrentPerson[], DesiredPerson[], Partial<PlanOptions>, ReturnType<typeof planCounts>]>([
    ['creates a new person', [], [want('obj-1', 'E1')], {}, { created: 1, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, errors: 0 }],
    ['leaves an identical person alone', [person('1', 'E1')], [want('obj-1', 'E1')], {}, { created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 1, errors: 0 }],
    ['updates a changed owned field', [person('1', 'E1')], [want('obj-1', 'E1', { department: 'Maths' })], {}, { created: 0, updated: 1, deactivated: 0, reactivated: 0, unchanged: 0, errors: 0 }],
    ['deactivates people who left the scope (full)', [person('1', 'E1'), person('2', 'E2')], [want('obj-1', 'E1')], {}, { created: 0, updated: 0, deactivated: 1, reactivated: 0, unchanged: 1, errors: 0 }],
    ['keeps people absent from a delta', [person('1', 'E1'), person('2', 'E2')], [want('obj-1', 'E1')], { mode: 'delta' }, { created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 1, errors: 0 }],
    ['deactivates removals reported by a delta', [person('1', 'E1'), person('2', 'E2')], [], { mode: 'delta', removedAnchors: ['obj-2'] }, { created: 0, updated: 0, deactivated: 1, reactivated: 0, unchanged: 0, errors: 0 }],
    ['deactivates a disabled account', [person('1', 'E1')], [want('obj-1', 'E1', {}, false)], {}, { created: 0, updated: 0, deactivated: 1, reactivated: 0, unchanged: 0, errors: 0 }],
    ['does not create a disabled newcomer', [], [want('obj-9', 'E9', {}, false)], {}, { created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, errors: 0 }],
    ['reactivates a returning person', [person('1', 'E1', { status: 'INACTIVE' })], [want('obj-1', 'E1')], {}, { created: 0, updated: 0, deactivated: 0, reactivated: 1, unchanged: 0, errors: 0 }],
    ['never deactivates people it does not manage', [person('1', 'E1', { source: null, sourceAnchor: null })], [], {}, { created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, errors: 0 }],
    ['reports a record without a UID', [], [want('obj-1', '')], {}, { created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, errors: 1 }],
    ['keeps people whose records could not be mapped', [person('1', 'E1'), person('2', 'E2')], [want('obj-1', 'E1')], { skippedAnchors: ['obj-2'] }, { created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 1, errors: 0 }],
    ['reports two records with one UID', [], [want('obj-1', 'E1'), want('obj-2', 'E1')], {}, { created: 1, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, errors: 1 }],
  ])('%s', (_name, current, desired, extra, counts) => {
    expect(planCounts(plan(current, desired, { ...opts, ...extra }))).toEqual(counts);
  });

  it('a partial (delta) record changes only the fields it carries and keeps the status when it does not say', () => {
    const current = [person('1', 'E1', {}, { department: 'Maths' })];
    const partial: DesiredPerson = { anchor: 'obj-1', values: { department: 'Physics' }, active: null, partial: true };
    const p = plan(current, [partial], { ...opts, mode: 'delta' });
    expect(p.updates).toHaveLength(1);
    expect(p.updates[0]!.changes).toEqual([{ field: 'department', before: 'Maths', after: 'Physics' }]);
    expect(p.updates[0]!.values).toMatchObject({ employee_id: 'E1', email: 'e1@x.test', department: 'Physics' });
    expect(p.deactivations).toEqual([]);
    const disabled: DesiredPerson = { anchor: 'obj-1', values: {}, active: false, partial: true };
    expect(planCounts(plan(current, [disabled], { ...opts, mode: 'delta' }))).toMatchObject({ deactivated: 1, updated: 0 });
  });

  it('creates disabled newcomers as inactive only when asked', () => {
    const p = plan([], [want('obj-9', 'E9', {}, false)], { ...opts, createInactive: true });
    expect(p.creates).toEqual([expect.objectContaining({ uid: 'E9', status: 'INACTIVE' })]);
  });

  it('maps the first value of a multi-valued attribute and skips absent attributes of partial records', () => {
    const fields = new Map<string, ListField>([['phone', { key: 'phone', type: 'PHONE', label: 'Phone' } as ListField], ['department', { key: 'department', type: 'TEXT', label: 'Dept' } as ListField]]);
    const rules = [{ sourceAttribute: 'businessPhones', fieldKey: 'phone', transform: 'DIRECT' as const }, { sourceAttribute: 'department', fieldKey: 'department', transform: 'DIRECT' as const }];
    expect(mapRecord({ anchor: 'a', active: true, attributes: { businessPhones: ['+44 20 7946 0001', '+44 20 7946 0002'], department: 'Art' } }, rules, fields)).toMatchObject({ person: { values: { phone: '+44 20 7946 0001', department: 'Art' } } });
    const partial = mapRecord({ anchor: 'a', active: null, partial: true, attributes: { department: 'Art' } }, rules, fields);
    expect(partial).toEqual({ person: { anchor: 'a', active: null, partial: true, values: { department: 'Art' } } });
  });

  it('matches by anchor first, so a changed UID updates instead of duplicating', () => {
    const p = plan([person('1', 'E1')], [want('obj-1', 'E100')], opts);
    expect(p.creates).toEqual([]);
    expect(p.updates[0]).toMatchObject({ personId: '1', uid: 'E100', reanchor: false });
    expect(p.updates[0]!.changes).toContainEqual({ field: 'employee_id', before: 'E1', after: 'E100' });
  });

  it('adopts a hand-made person by UID, then by email, recording the anchor', () => {
    const manual = person('1', 'E1', { source: null, sourceAnchor: null });
    const byUid = plan([manual], [want('obj-77', 'E1')], opts);
    expect(byUid.updates).toEqual([expect.objectContaining({ personId: '1', anchor: 'obj-77', reanchor: true, changes: [] })]);
    const byEmail = plan([manual], [want('obj-77', 'NEW-ID', { email: 'E1@X.TEST' })], opts);
    expect(byEmail.creates).toEqual([]);
    expect(byEmail.updates[0]).toMatchObject({ personId: '1', reanchor: true });
  });

  it('writes only owned fields and keeps local-only ones', () => {
    const p = plan([person('1', 'E1', {}, { badge_printed: 'yes', department: 'Art' })], [want('obj-1', 'E1', { department: null, badge_printed: 'no' })], opts);
    expect(p.updates[0]!.changes).toEqual([{ field: 'department', before: 'Art', after: null }]);
    expect(p.updates[0]!.values).toEqual({ employee_id: 'E1', email: 'e1@x.test', badge_printed: 'yes' });
  });

  it('is idempotent: planning the applied result again changes nothing', () => {
    const current = [person('1', 'E1'), person('2', 'E2', { status: 'INACTIVE' })];
    const desired = [want('obj-1', 'E1', { department: 'Science' }), want('obj-2', 'E2'), want('obj-3', 'E3')];
    const first = plan(current, desired, opts);
    const applied: CurrentPerson[] = [
      { ...current[0]!, values: first.updates[0]!.values },
      { ...current[1]!, status: 'ACTIVE' },
      { id: '3', uid: 'E3', status: 'ACTIVE', values: first.creates[0]!.values, source: 'entra', sourceAnchor: 'obj-3' },
    ];
    expect(planCounts(plan(applied, desired, opts))).toEqual({ created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 3, errors: 0 });
  });
});

describe('Planner, a page at a time', () => {
  // Conflicts of every kind: adoption by UID and by email, a moved UID, two records with one
  // anchor or one UID, a record without UID, disabled, returning and departed people.
  const current: CurrentPerson[] = [
    person('1', 'E1'),
    person('2', 'E2', { status: 'INACTIVE' }),
    person('3', 'E3', { source: null, sourceAnchor: null }),
    person('4', 'E4', { source: null, sourceAnchor: null }, { email: 'four@x.test' }),
    person('5', 'E5'),
    person('6', 'E6'),
    person('7', 'E7'),
    person('8', 'E8', { source: 'csv' }),
  ];
  const desired: DesiredPerson[] = [
    want('obj-1', 'E1', { department: 'Art' }),
    want('obj-2', 'E2'),
    want('obj-33', 'E3'),
    want('obj-44', 'E44', { email: 'FOUR@x.test' }),
    want('obj-5', 'E6'),
    want('obj-1', 'E1'),
    want('obj-9', 'E9'),
    want('obj-10', 'E9'),
    want('obj-11', ''),
    want('obj-7', 'E7', {}, false),
  ];
  /** What a caller looking people up by anchor, UID and email would hand the planner for `page`. */
  const lookup = (page: DesiredPerson[]) =>
    current.filter((p) =>
      page.some((d) => (p.source === 'entra' && p.sourceAnchor === d.anchor) || p.uid === d.values.employee_id || String(p.values.email).toLowerCase() === String(d.values.email).toLowerCase()),
    );

  it.each([1, 2, 3, 10])('plans pages of %i exactly as plan() plans the whole directory', (size) => {
    const planner = new Planner(opts);
    const paged = emptyPlan();
    for (let i = 0; i < desired.length; i += size) {
      const page = desired.slice(i, i + size);
      planner.addPage(lookup(page), page, paged);
    }
    paged.deactivations.push(...planner.removals(current, null, []));
    expect(paged).toEqual(plan(current, desired, opts));
    expect(planCounts(paged)).toEqual({ created: 1, updated: 2, deactivated: 2, reactivated: 1, unchanged: 0, errors: 4 });
  });

  it('never matches a person the run created or re-anchored, even once written', () => {
    const planner = new Planner(opts);
    const first = emptyPlan();
    planner.addPage([], [want('obj-1', 'E1')], first);
    // The person now exists (written early); a later record with its email must not claim it.
    const written: CurrentPerson = { id: 'new', uid: 'E1', status: 'ACTIVE', source: 'entra', sourceAnchor: 'obj-1', values: first.creates[0]!.values };
    const later = emptyPlan();
    planner.addPage([written], [want('obj-2', 'E2', { email: 'e1@x.test' })], later);
    expect(later.creates).toEqual([expect.objectContaining({ anchor: 'obj-2', uid: 'E2' })]);
    expect(planner.removals([written], null, [])).toEqual([]);
  });
});

describe('checkSafety', () => {
  const deactivating = (n: number) => ({ creates: [], updates: [], reactivations: [], unchanged: 0, problems: [], deactivations: Array.from({ length: n }, (_, i) => ({ personId: `${i}`, uid: `${i}`, reason: 'removed_from_scope' as const })) });
  it.each<[number, number, number, 'full' | 'delta', boolean]>([
    [0, 100, 0, 'full', true], // an empty source never empties a list
    [0, 0, 0, 'full', false],
    [20, 100, 80, 'full', false], // exactly 20% is allowed
    [21, 100, 79, 'full', true],
    [501, 100_000, 99_499, 'full', true],
    [500, 100_000, 99_500, 'full', false],
    [21, 100, 5, 'delta', true],
  ])('%i deactivations of %i active (seen %i, %s) halts: %s', (n, active, seen, mode, halts) => {
    expect(checkSafety(deactivating(n), active, seen, mode).halt).toBe(halts);
  });
});

describe('mapRecord', () => {
  const fields = new Map<string, ListField>(
    (['employee_id:TEXT', 'email:EMAIL', 'grade:NUMBER'] as const).map((s) => {
      const [key, type] = s.split(':') as [string, ListField['type']];
      return [key, { id: key, organizationId: 'o', listId: 'l', key, label: key, type, required: false, description: null, position: 0, createdAt: new Date() }];
    }),
  );
  const rules = [
    { sourceAttribute: 'employeeId', fieldKey: 'employee_id', transform: 'TRIM' as const },
    { sourceAttribute: 'mail', fieldKey: 'email', transform: 'LOWERCASE' as const },
    { sourceAttribute: 'onPremisesExtensionAttributes.extensionAttribute1', fieldKey: 'grade', transform: 'DIRECT' as const },
  ];
  it('reads nested attributes, transforms and normalises', () => {
    const r = mapRecord({ anchor: 'a', active: true, attributes: { employeeId: ' E1 ', mail: 'Ada@X.Test', onPremisesExtensionAttributes: { extensionAttribute1: '7' } } }, rules, fields);
    expect(r).toEqual({ person: { anchor: 'a', active: true, values: { employee_id: 'E1', email: 'ada@x.test', grade: 7 } } });
  });
  it('turns an invalid value into a problem naming the field', () => {
    const r = mapRecord({ anchor: 'a', active: true, attributes: { employeeId: 'E1', mail: 'not-mail' } }, rules, fields);
    expect(r).toEqual({ problem: { anchor: 'a', reason: expect.stringContaining('"email" (email) must be an email address') } });
  });
});
