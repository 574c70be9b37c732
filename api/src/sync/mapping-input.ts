import { AppError, errors } from '../shared/errors.js';
import { checkFieldInput } from '../lists/lists.service.js';
import { FIELD_TYPES, type FieldType, type ListField } from '../lists/list.entities.js';
import { TRANSFORMS, type Transform } from './engine/mapping.js';
import { keyFor } from './entra/catalogue.js';

/** One source attribute (Entra property, CSV column) onto a list field, as an administrator asks. */
export interface MappingInput {
  sourceAttribute: string;
  /** An existing field's key, or the key of the field to create. */
  fieldKey?: string | null;
  transform?: Transform | null;
  /** Creates the target field first (label and type; the key comes from fieldKey or the attribute). */
  createField?: { label: string; type: FieldType } | null;
}

/** Checked mappings: what to map, and the fields to create for them first. */
export interface MappingTargets {
  plan: Array<{ attribute: string; key: string; transform: Transform }>;
  toCreate: Map<string, { label: string; type: FieldType }>;
}

/**
 * Checks mappings against a list's fields before anything is written, for every source: each
 * attribute once, a known transform, a target that exists or is created (a derived key steps
 * aside for an existing field: department, department_2, ...), one source per field. Errors name
 * the input (`mappings.<i>.<input>`) so a form can point at it. `attribute` checks and trims the
 * source's own attribute names; `keyOf` derives a new field's key (by default from the attribute).
 */
export function checkMappings(
  mappings: readonly MappingInput[],
  existing: ReadonlyMap<string, ListField>,
  attribute: (raw: string, i: number) => string,
  keyOf: (attribute: string, label: string) => string = keyFor,
): MappingTargets {
  const toCreate = new Map<string, { label: string; type: FieldType }>();
  const seenAttributes = new Set<string>();
  const plan: MappingTargets['plan'] = [];
  for (const [i, m] of mappings.entries()) {
    const attr = attribute(m.sourceAttribute ?? '', i);
    if (seenAttributes.has(attr)) throw errors.badInput(`"${attr}" is mapped twice; map each source field once.`, `mappings.${i}.sourceAttribute`);
    seenAttributes.add(attr);
    const transform = m.transform ?? 'DIRECT';
    if (!TRANSFORMS.includes(transform)) throw errors.badInput(`Unknown transform "${transform}".`, `mappings.${i}.transform`);
    let key = m.fieldKey?.trim() || null;
    if (m.createField) {
      if (!FIELD_TYPES.includes(m.createField.type)) throw errors.badInput(`Unknown field type "${m.createField.type}".`, `mappings.${i}.createField.type`);
      const taken = (k: string) => existing.has(k) || toCreate.has(k);
      if (key && taken(key)) {
        throw errors.badInput(`Mapping ${i + 1}: the list already has a field "${key}"; map onto it instead of creating it, or choose another key.`, `mappings.${i}.fieldKey`);
      }
      if (!key) {
        const base = keyOf(attr, m.createField.label);
        key = base;
        for (let n = 2; taken(key); n++) key = `${base.slice(0, 60)}_${n}`;
      }
      try {
        const checked = checkFieldInput({ key, label: m.createField.label, type: m.createField.type });
        toCreate.set(checked.key, { label: checked.label, type: checked.type });
        key = checked.key;
      } catch (err) {
        if (err instanceof AppError && err.code === 'BAD_USER_INPUT') throw errors.badInput(`Mapping ${i + 1}: ${err.message}`, `mappings.${i}.createField.${String(err.details.field ?? 'label')}`);
        throw err;
      }
    }
    if (!key || (!existing.has(key) && !toCreate.has(key))) throw errors.badInput(`Mapping ${i + 1}: the list has no field "${key ?? ''}"; choose a field or create one.`, `mappings.${i}.fieldKey`);
    if (plan.some((p) => p.key === key)) throw errors.badInput(`Two source fields map onto "${key}"; a field has one source.`, `mappings.${i}.fieldKey`);
    plan.push({ attribute: attr, key, transform });
  }
  return { plan, toCreate };
}
