import { describe, expect, it } from 'vitest';
import { normaliseValue } from './field-values.js';
import type { FieldType, ListField } from './list.entities.js';
import { AppError } from '../shared/errors.js';

const field = (type: FieldType): ListField => ({
  id: 'f', organizationId: 'o', listId: 'l', key: 'k', label: 'Label', type, required: false, description: null, position: 0, createdAt: new Date(),
});

describe('normaliseValue', () => {
  it.each<[FieldType, unknown, unknown]>([
    ['TEXT', 'Ada', 'Ada'],
    ['TEXT', 42, '42'],
    ['TEXT', '   ', null],
    ['TEXT', null, null],
    ['EMAIL', ' ada@example.org ', 'ada@example.org'],
    ['PHONE', '+44 (0)20 7946-0958', '+44 (0)20 7946-0958'],
    ['PHONE', '555 0100 ext. 12', '555 0100 ext. 12'],
    ['NUMBER', '42', 42],
    ['NUMBER', -3.5, -3.5],
    ['NUMBER', ' 1e3 ', 1000],
    ['DATE', '2026-09-01', '2026-09-01'],
    ['DATE', '2024-02-29', '2024-02-29'],
    ['DATE', '2026-09-01T10:30:00Z', '2026-09-01'],
    ['DATE', '2026-09-01T10:30:00.123+02:00', '2026-09-01'],
    ['BOOLEAN', true, true],
    ['BOOLEAN', 'Yes', true],
    ['BOOLEAN', '0', false],
    ['BOOLEAN', 'off', false],
    ['URL', 'https://example.org/a?b=c', 'https://example.org/a?b=c'],
    ['PHOTO', 'http://cdn.example.org/p.jpg', 'http://cdn.example.org/p.jpg'],
    ['PHOTO', 'data:image/png;base64,iVBORw0KGgo=', 'data:image/png;base64,iVBORw0KGgo='],
    ['EMAIL', '', null],
  ])('%s accepts %j as %j', (type, raw, expected) => {
    expect(normaliseValue(field(type), raw)).toEqual(expected);
  });

  it.each<[FieldType, unknown, string]>([
    ['TEXT', { a: 1 }, 'any text'],
    ['TEXT', 'x'.repeat(10_001), 'any text'],
    ['EMAIL', 'ada@', 'an email address'],
    ['EMAIL', 'two words@example.org', 'an email address'],
    ['PHONE', 'call me', 'a phone number'],
    ['PHONE', '+-()', 'a phone number'],
    ['NUMBER', 'ten', 'a number'],
    ['NUMBER', 'Infinity', 'a number'],
    ['NUMBER', true, 'a number'],
    ['DATE', '2026-02-30', 'a date written YYYY-MM-DD'],
    ['DATE', '2023-02-29', 'a date written YYYY-MM-DD'],
    ['DATE', '01/09/2026', 'a date written YYYY-MM-DD'],
    ['DATE', '2026-9-1', 'a date written YYYY-MM-DD'],
    ['BOOLEAN', 'maybe', 'true or false'],
    ['URL', 'ftp://example.org', 'an http or https address'],
    ['URL', 'javascript:alert(1)', 'an http or https address'],
    ['URL', 'not a url', 'an http or https address'],
    ['PHOTO', 'data:text/html;base64,PGI+', 'an http or https image address'],
  ])('%s rejects %j, naming the field and what it accepts', (type, raw, accepts) => {
    try {
      normaliseValue(field(type), raw);
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      const e = err as AppError;
      expect(e.code).toBe('BAD_USER_INPUT');
      expect(e.details).toEqual({ field: 'k' });
      expect(e.message).toContain('"Label" (k) must be');
      expect(e.message).toContain(accepts);
    }
  });
});
