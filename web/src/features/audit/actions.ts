import { formatEnum, formatValue } from '../../utils/format';

const ACTIONS: Record<string, string> = {
  'person.created': 'Person added',
  'person.updated': 'Person edited',
  'person.deactivated': 'Person deactivated',
  'person.reactivated': 'Person reactivated',
  'person.erased': 'Person erased',
  'master_list.created': 'List created',
  'master_list.renamed': 'List renamed',
  'master_list.archived': 'List archived',
  'master_list.unarchived': 'List restored',
  'master_list.uid_changed': 'UID field changed',
  'field.added': 'Field added',
  'field.updated': 'Field edited',
  'field.removed': 'Field removed',
  'field.reordered': 'Fields reordered',
  'member.added': 'Member added',
  'member.removed': 'Member removed',
  'member.role_changed': 'Role changed',
  'api_token.created': 'API token created',
  'api_token.revoked': 'API token revoked',
  'organization.created': 'Organisation created',
  'session.created': 'Session created',
  'changeset.created': 'Session saved for review',
  'changeset.applied': 'Changeset applied',
  'changeset.rolled_back': 'Changeset rolled back',
};

/** An audit action ("person.deactivated") in words ("Person deactivated"). */
export function describeAction(action: string): string {
  if (ACTIONS[action]) return ACTIONS[action];
  const words = action.replace(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// Names of list-level properties that appear in changes, besides field keys.
const PROPERTIES: Record<string, string> = { status: 'Status', name: 'Name', uidField: 'UID field', archivedAt: 'Archived', order: 'Order', label: 'Label', required: 'Required', description: 'Description' };

function describeValue(field: string, value: unknown): string {
  if (field === 'status' && typeof value === 'string') return formatEnum(value);
  if (Array.isArray(value)) return value.map((v) => formatValue(v)).join(', ');
  if (value && typeof value === 'object' && 'label' in value) {
    const f = value as { label: unknown; type?: unknown };
    return typeof f.type === 'string' ? `${String(f.label)} (${f.type.toLowerCase()})` : String(f.label);
  }
  return formatValue(value, '—');
}

/** One field-level change in words: the field's label (from `labels`, keyed by field key) and both values. */
export function describeChange(change: { field: string; before?: unknown; after?: unknown }, labels: Map<string, string>): { label: string; before: string; after: string } {
  return {
    label: labels.get(change.field) ?? PROPERTIES[change.field] ?? change.field,
    before: describeValue(change.field, change.before),
    after: describeValue(change.field, change.after),
  };
}
