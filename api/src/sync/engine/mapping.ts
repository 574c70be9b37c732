import type { ListField } from '../../lists/list.entities.js';
import { normaliseValue } from '../../lists/field-values.js';
import { AppError } from '../../shared/errors.js';
import type { PersonValues } from '../../people/person.entity.js';
import type { DesiredPerson, PlanProblem, SourceRecord } from './types.js';

export type Transform = 'DIRECT' | 'LOWERCASE' | 'UPPERCASE' | 'TRIM';
export const TRANSFORMS: readonly Transform[] = ['DIRECT', 'LOWERCASE', 'UPPERCASE', 'TRIM'];

/** One source attribute onto one list field. */
export interface FieldMappingRule {
  sourceAttribute: string;
  fieldKey: string;
  transform: Transform;
}

/** Applies a mapping transform to a source value (non-strings pass through). */
export function transform(value: unknown, t: Transform): unknown {
  if (typeof value !== 'string') return value;
  switch (t) {
    case 'DIRECT':
      return value;
    case 'LOWERCASE':
      return value.toLowerCase();
    case 'UPPERCASE':
      return value.toUpperCase();
    case 'TRIM':
      return value.trim();
  }
}

/** Reads an attribute by path: `onPremisesExtensionAttributes.extensionAttribute1` works. */
function read(attributes: Record<string, unknown>, path: string): unknown {
  let cur: unknown = attributes;
  if (path in attributes) cur = attributes[path];
  else {
    for (const part of path.split('.')) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
  }
  // A multi-valued attribute (businessPhones, otherMails) maps its first value.
  return Array.isArray(cur) ? (cur[0] ?? null) : cur;
}

/**
 * Maps a source record onto the list's fields: reads each mapped attribute, applies its
 * transform, validates and normalises for the field type. A value that fails validation makes
 * the record a problem (with the field and reason) rather than writing a bad value.
 */
export function mapRecord(
  record: SourceRecord,
  rules: readonly FieldMappingRule[],
  fields: ReadonlyMap<string, ListField>,
): { person: DesiredPerson } | { problem: PlanProblem } {
  if (record.problem) return { problem: { anchor: record.anchor, reason: record.problem } };
  const values: PersonValues = {};
  for (const rule of rules) {
    if (record.partial && !present(record.attributes, rule.sourceAttribute)) continue;
    const field = fields.get(rule.fieldKey);
    if (!field) return { problem: { anchor: record.anchor, reason: `the mapping targets "${rule.fieldKey}", which the list no longer has` } };
    try {
      values[rule.fieldKey] = normaliseValue(field, transform(read(record.attributes, rule.sourceAttribute), rule.transform));
    } catch (err) {
      if (err instanceof AppError) return { problem: { anchor: record.anchor, reason: err.message } };
      throw err;
    }
  }
  return { person: { anchor: record.anchor, values, active: record.active, ...(record.partial ? { partial: true } : {}) } };
}

/** Whether a partial record says anything about the attribute (its top-level property is there). */
function present(attributes: Record<string, unknown>, path: string): boolean {
  return path in attributes || path.split('.')[0]! in attributes;
}
