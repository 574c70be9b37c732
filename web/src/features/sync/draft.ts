// The Entra setup wizard's working copy of a list's sync: what each step edits, how it is checked
// before moving on, and how it becomes the configureEntraSync input.
import { inject, provide, reactive, type InjectionKey } from 'vue';
import { UID_TYPES, keyFromLabel } from '../lists/documents';
import type { ConfigureEntraSyncInput, EntraScopeKind, FieldPartsFragment, FieldType, ListSyncQuery, MappingTransform, SourceFieldCategory, SyncMappingInput } from '../../gql/graphql';

export type StepId = 'connection' | 'scope' | 'mapping' | 'schedule';
export const STEPS: ReadonlyArray<{ id: StepId; label: string; hint: string }> = [
  { id: 'connection', label: 'Connection', hint: 'Which tenant' },
  { id: 'scope', label: 'Scope', hint: 'Which users' },
  { id: 'mapping', label: 'Mapping', hint: 'Which fields' },
  { id: 'schedule', label: 'Schedule & safety', hint: 'When and how safely' },
];

/** Where a mapped source field goes: an existing field, or one created on save. */
export type Target = { kind: 'field'; key: string } | { kind: 'new'; label: string; type: FieldType };

export interface MappingDraft {
  target: Target;
  transform: MappingTransform;
}

export type ScheduleKind = 'manual' | 'minutes' | 'hourly' | 'hours' | 'daily';

export interface SyncDraft {
  connectionId: string | null;
  scopeKind: EntraScopeKind;
  group: { id: string; displayName: string; memberCount?: number | null } | null;
  enabledOnly: boolean;
  /** Mapped source attributes; an attribute that is absent is not synced. */
  mappings: Record<string, MappingDraft>;
  /** Attributes named by hand (Custom category), beyond the catalogue. */
  customAttributes: string[];
  /** The source attribute whose field identifies people. */
  uidAttribute: string | null;
  scheduleKind: ScheduleKind;
  everyHours: number | '';
  everyMinutes: number | '';
  limitPercent: number | '';
  limitCount: number | '';
}

export const TRANSFORMS: ReadonlyArray<{ value: MappingTransform; label: string }> = [
  { value: 'DIRECT', label: 'As is' },
  { value: 'LOWERCASE', label: 'lowercase' },
  { value: 'UPPERCASE', label: 'UPPERCASE' },
  { value: 'TRIM', label: 'Trim spaces' },
];

export const CATEGORIES: ReadonlyArray<{ id: SourceFieldCategory; label: string }> = [
  { id: 'IDENTITY', label: 'Identity' },
  { id: 'CONTACT', label: 'Contact' },
  { id: 'ORGANIZATION', label: 'Organisation' },
  { id: 'ACCOUNT', label: 'Account' },
  { id: 'ON_PREMISES', label: 'On-premises' },
  { id: 'EXTENSION', label: 'Extension attributes' },
  { id: 'CUSTOM', label: 'Custom' },
];

export const DEFAULT_LIMITS = { percent: 20, count: 500 };

type Status = ListSyncQuery['listSync'];

/** A blank draft, or one prefilled from the list's current sync (Edit). */
export function newDraft(status: Status | null, fields: readonly FieldPartsFragment[]): SyncDraft {
  const configured = status?.provider === 'entra';
  const mappings: Record<string, MappingDraft> = {};
  let uidAttribute: string | null = null;
  if (configured) {
    for (const m of status.mappings) {
      mappings[m.sourceAttribute] = { target: { kind: 'field', key: m.field.key }, transform: m.transform };
      if (m.field.isUid || fields.some((f) => f.isUid && f.key === m.field.key)) uidAttribute = m.sourceAttribute;
    }
  }
  return {
    connectionId: configured ? (status.connection?.id ?? null) : null,
    scopeKind: (configured && status.scope?.kind) || 'ALL_USERS',
    group: configured && status.scope?.groupId ? { id: status.scope.groupId, displayName: status.scope.groupName ?? status.scope.groupId } : null,
    enabledOnly: configured ? (status.scope?.enabledOnly ?? true) : true,
    mappings,
    customAttributes: [],
    uidAttribute,
    ...scheduleFromMinutes(configured ? (status.intervalMinutes ?? null) : 24 * 60),
    limitPercent: status?.deactivationLimitPercent ?? DEFAULT_LIMITS.percent,
    limitCount: status?.deactivationLimitCount ?? DEFAULT_LIMITS.count,
  };
}

/** The schedule controls for an interval in minutes (null: manual only). */
export function scheduleFromMinutes(minutes: number | null): Pick<SyncDraft, 'scheduleKind' | 'everyHours' | 'everyMinutes'> {
  const base = { everyHours: 6 as number | '', everyMinutes: 30 as number | '' };
  if (minutes === null) return { ...base, scheduleKind: 'manual' };
  if (minutes === 60) return { ...base, scheduleKind: 'hourly' };
  if (minutes === 1440) return { ...base, scheduleKind: 'daily' };
  if (minutes % 60 === 0) return { ...base, scheduleKind: 'hours', everyHours: minutes / 60 };
  return { ...base, scheduleKind: 'minutes', everyMinutes: minutes };
}

/** The interval the schedule controls stand for, in minutes (null: manual only). */
export function intervalMinutes(d: Pick<SyncDraft, 'scheduleKind' | 'everyHours' | 'everyMinutes'>): number | null {
  switch (d.scheduleKind) {
    case 'manual': return null;
    case 'hourly': return 60;
    case 'daily': return 1440;
    case 'hours': return d.everyHours === '' ? NaN : d.everyHours * 60;
    case 'minutes': return d.everyMinutes === '' ? NaN : d.everyMinutes;
  }
}

/** An interval in words: "Every 6 hours", "Daily", "Manual only". */
export function describeInterval(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return 'Manual only';
  if (minutes === 60) return 'Hourly';
  if (minutes === 1440) return 'Daily';
  if (minutes === 10080) return 'Weekly';
  if (minutes % 60 === 0) return `Every ${minutes / 60} hours`;
  return `Every ${minutes} minutes`;
}

/** The key a new target field gets: from its label, else the attribute, made unique in the list. */
function newKey(label: string, attribute: string, taken: Set<string>): string {
  const base = keyFromLabel(label) || keyFromLabel(attribute.split('.').pop()!.replace(/([a-z0-9])([A-Z])/g, '$1 $2')) || 'field';
  let key = base;
  for (let i = 2; taken.has(key); i++) key = `${base.slice(0, 60)}_${i}`;
  taken.add(key);
  return key;
}

/** Each mapped attribute's target key, with keys chosen for fields to create. */
export function targetKeys(d: SyncDraft, fields: readonly FieldPartsFragment[]): Map<string, string> {
  const taken = new Set(fields.map((f) => f.key));
  const out = new Map<string, string>();
  for (const [attribute, m] of Object.entries(d.mappings)) {
    out.set(attribute, m.target.kind === 'field' ? m.target.key : newKey(m.target.label, attribute, taken));
  }
  return out;
}

/** A problem that stops the wizard: which step, which control (`at`), and what to do. */
export interface DraftProblem {
  step: StepId;
  at: string;
  message: string;
}

/** Everything wrong with the draft, step by step, in words an administrator can act on. */
export function checkDraft(d: SyncDraft, fields: readonly FieldPartsFragment[], sourceLabel: (attribute: string) => string): DraftProblem[] {
  const out: DraftProblem[] = [];
  if (!d.connectionId) out.push({ step: 'connection', at: 'connectionId', message: 'Choose the Entra connection to read the directory with.' });
  if (d.scopeKind === 'GROUP' && !d.group) out.push({ step: 'scope', at: 'group', message: 'Choose the group whose members make up the list.' });

  const byKey = new Map(fields.map((f) => [f.key, f]));
  const fedBy = new Map<string, string>();
  for (const [attribute, m] of Object.entries(d.mappings)) {
    if (m.target.kind === 'new' && !m.target.label.trim()) {
      out.push({ step: 'mapping', at: `mapping:${attribute}`, message: 'Give the new field a label.' });
    } else if (m.target.kind === 'field') {
      const other = fedBy.get(m.target.key);
      if (other) out.push({ step: 'mapping', at: `mapping:${attribute}`, message: `“${byKey.get(m.target.key)?.label ?? m.target.key}” is already fed by ${sourceLabel(other)}; a field has one source.` });
      fedBy.set(m.target.key, attribute);
    }
  }
  const mapped = Object.keys(d.mappings);
  if (!mapped.length) out.push({ step: 'mapping', at: 'mappings', message: 'Map at least one source field, including the one that identifies people.' });
  const uid = d.uidAttribute ? d.mappings[d.uidAttribute] : undefined;
  if (!uid) {
    out.push({ step: 'mapping', at: 'uid', message: 'Choose the UID: the source field that tells people apart (for example Employee ID or Object ID).' });
  } else {
    const type = uid.target.kind === 'new' ? uid.target.type : byKey.get(uid.target.key)?.type;
    if (type && !(UID_TYPES as readonly string[]).includes(type)) out.push({ step: 'mapping', at: 'uid', message: 'The UID cannot be a yes/no or photo field; choose a field with text, numbers, email or a date.' });
  }

  const minutes = intervalMinutes(d);
  if (d.scheduleKind === 'hours' && !(Number.isInteger(d.everyHours) && +d.everyHours >= 2 && +d.everyHours <= 168)) {
    out.push({ step: 'schedule', at: 'everyHours', message: 'Enter a whole number of hours from 2 to 168 (a week).' });
  } else if (d.scheduleKind === 'minutes' && !(Number.isInteger(d.everyMinutes) && +d.everyMinutes >= 5 && +d.everyMinutes <= 10080)) {
    out.push({ step: 'schedule', at: 'everyMinutes', message: 'Enter a whole number of minutes from 5 to 10,080 (a week).' });
  } else if (minutes !== null && Number.isNaN(minutes)) {
    out.push({ step: 'schedule', at: 'intervalMinutes', message: 'Choose how often to sync.' });
  }
  if (!(Number.isInteger(d.limitPercent) && +d.limitPercent >= 0 && +d.limitPercent <= 100)) {
    out.push({ step: 'schedule', at: 'limitPercent', message: 'Enter a whole percentage from 0 to 100.' });
  }
  if (!(Number.isInteger(d.limitCount) && +d.limitCount >= 0)) out.push({ step: 'schedule', at: 'limitCount', message: 'Enter a whole number of people, 0 or more.' });
  return out;
}

/** The configureEntraSync input for a checked draft. */
export function toInput(listId: string, d: SyncDraft, fields: readonly FieldPartsFragment[]): ConfigureEntraSyncInput {
  const keys = targetKeys(d, fields);
  const mappings: SyncMappingInput[] = Object.entries(d.mappings).map(([attribute, m]) => ({
    sourceAttribute: attribute,
    fieldKey: keys.get(attribute)!,
    transform: m.transform,
    ...(m.target.kind === 'new' ? { createField: { label: m.target.label.trim(), type: m.target.type } } : {}),
  }));
  return {
    listId,
    connectionId: d.connectionId!,
    scope: { kind: d.scopeKind, groupId: d.scopeKind === 'GROUP' ? (d.group?.id ?? null) : null, enabledOnly: d.enabledOnly },
    mappings,
    uidFieldKey: d.uidAttribute ? (keys.get(d.uidAttribute) ?? '') : '',
    intervalMinutes: intervalMinutes(d),
    deactivationLimitPercent: d.limitPercent === '' ? null : d.limitPercent,
    deactivationLimitCount: d.limitCount === '' ? null : d.limitCount,
  };
}

/** The wizard step a server error belongs to, from the input path it names. */
export function stepOfServerField(field: string | undefined): StepId {
  if (!field) return 'schedule';
  if (field === 'connectionId') return 'connection';
  if (field.startsWith('scope')) return 'scope';
  if (field.startsWith('mappings') || field === 'uidFieldKey' || field === 'uidField') return 'mapping';
  return 'schedule';
}

const KEY: InjectionKey<SyncDraft> = Symbol('entra-sync-draft');

/** Shares the wizard's draft with its steps. */
export function provideDraft(d: SyncDraft): SyncDraft {
  const r = reactive(d) as SyncDraft;
  provide(KEY, r);
  return r;
}

/** The draft of the wizard a step sits in. */
export function useDraft(): SyncDraft {
  const d = inject(KEY);
  if (!d) throw new Error('useDraft() outside the Entra wizard');
  return d;
}
