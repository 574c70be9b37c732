import { describe, expect, it } from 'vitest';
import { ACCEPTS, normaliseValue, uidText } from './field-values.js';
import { FIELD_TYPES, type FieldType, type ListField } from './list.entities.js';
import { AppError } from '../shared/errors.js';

const field = (type: FieldType): ListField => ({
  id: 'f', organizationId: 'o', listId: 'l', key: 'k', label: 'Label', type, required: false, description: null, position: 0, createdAt: new Date(),
});

describe('normaliseValue', () => {
  it.each<[FieldType, unknown, unknown]>([
    ['TEXT', 'Ada', 'Ada'],
    ['TEXT', 42, '42'],
    ['TEXT', '  Ada Lovelace  ', '  Ada Lovelace  '],
    ['TEXT', 'x'.repeat(10_000), 'x'.repeat(10_000)],
    ['TEXT', '   ', null],
    ['TEXT', null, null],
    ['TEXT', undefined, null],
    ['EMAIL', ' ada@example.org ', 'ada@example.org'],
    ['EMAIL', 'Ada.Lovelace+rollcall@Example.ORG', 'Ada.Lovelace+rollcall@Example.ORG'],
    ['PHONE', '+44 (0)20 7946-0958', '+44 (0)20 7946-0958'],
    ['PHONE', '555 0100 ext. 12', '555 0100 ext. 12'],
    ['PHONE', '020/7946.0958 x7', '020/7946.0958 x7'],
    ['PHONE', 5550100, '5550100'],
    ['NUMBER', '42', 42],
    ['NUMBER', -3.5, -3.5],
    ['NUMBER', 0, 0],
    ['NUMBER', ' 1e3 ', 1000],
    ['NUMBER', '-0.25', -0.25],
    ['NUMBER', '.5', 0.5],
    ['DATE', '2026-09-01', '2026-09-01'],
    ['DATE', '2024-02-29', '2024-02-29'],
    ['DATE', '2000-02-29', '2000-02-29'],
    ['DATE', ' 2026-12-31 ', '2026-12-31'],
    ['DATE', '2026-09-01T10:30', '2026-09-01'],
    ['DATE', '2026-09-01T10:30:00Z', '2026-09-01'],
    ['DATE', '2026-09-01T10:30:00.123+02:00', '2026-09-01'],
    ['DATE', '2026-09-01T23:59:59-0500', '2026-09-01'],
    ['BOOLEAN', true, true],
    ['BOOLEAN', false, false],
    ['BOOLEAN', 'Yes', true],
    ['BOOLEAN', 'yes', true],
    ['BOOLEAN', 'Y', true],
    ['BOOLEAN', 'TRUE', true],
    ['BOOLEAN', 'on', true],
    ['BOOLEAN', 1, true],
    ['BOOLEAN', 'no', false],
    ['BOOLEAN', 'N', false],
    ['BOOLEAN', 'false', false],
    ['BOOLEAN', '0', false],
    ['BOOLEAN', 0, false],
    ['BOOLEAN', 'off', false],
    ['URL', 'https://example.org/a?b=c', 'https://example.org/a?b=c'],
    ['URL', ' http://localhost:8080/x ', 'http://localhost:8080/x'],
    ['PHOTO', 'http://cdn.example.org/p.jpg', 'http://cdn.example.org/p.jpg'],
    ['PHOTO', 'data:image/png;base64,iVBORw0KGgo=', 'data:image/png;base64,iVBORw0KGgo='],
    ['PHOTO', 'data:image/jpeg;base64,/9j/4AAQ', 'data:image/jpeg;base64,/9j/4AAQ'],
    ['PHOTO', 'data:image/webp;base64,UklGRg==', 'data:image/webp;base64,UklGRg=='],
  ])('%s accepts %j as %j', (type, raw, expected) => {
    expect(normaliseValue(field(type), raw)).toEqual(expected);
  });

  it.each(FIELD_TYPES)('%s turns an empty or blank string into null (a cleared value)', (type) => {
    expect(normaliseValue(field(type), '')).toBeNull();
    expect(normaliseValue(field(type), ' \t ')).toBeNull();
    expect(normaliseValue(field(type), null)).toBeNull();
  });

  it.each<[FieldType, unknown]>([
    ['TEXT', { a: 1 }],
    ['TEXT', ['a']],
    ['TEXT', true],
    ['TEXT', 'x'.repeat(10_001)],
    ['EMAIL', 'ada@'],
    ['EMAIL', 'ada.example.org'],
    ['EMAIL', 'two words@example.org'],
    ['EMAIL', 'ada@example'],
    ['EMAIL', `${'a'.repeat(310)}@example.org`],
    ['EMAIL', 42],
    ['PHONE', 'call me'],
    ['PHONE', '+-()'],
    ['PHONE', '12'],
    ['PHONE', '555 0100 ext. 1234567'],
    ['PHONE', true],
    ['NUMBER', 'ten'],
    ['NUMBER', '4 2'],
    ['NUMBER', '1,5'],
    ['NUMBER', 'Infinity'],
    ['NUMBER', Number.NaN],
    ['NUMBER', '0x10'],
    ['BOOLEAN', { toString: 0 }],
    ['BOOLEAN', ['yes']],
    ['NUMBER', '0b101'],
    ['NUMBER', true],
    ['NUMBER', { n: 1 }],
    ['DATE', '2026-02-30'],
    ['DATE', '2023-02-29'],
    ['DATE', '1900-02-29'],
    ['DATE', '2026-13-01'],
    ['DATE', '2026-00-10'],
    ['DATE', '2026-04-31'],
    ['DATE', '01/09/2026'],
    ['DATE', '2026-9-1'],
    ['DATE', '20260901'],
    ['DATE', '2026-09-01T25:00:00Z'],
    ['DATE', '2026-09-01T10:61Z'],
    ['DATE', '2026-09-01 and more'],
    ['DATE', 20260901],
    ['BOOLEAN', 'maybe'],
    ['BOOLEAN', 2],
    ['BOOLEAN', 'yess'],
    ['BOOLEAN', {}],
    ['URL', 'ftp://example.org'],
    ['URL', 'javascript:alert(1)'],
    ['URL', 'data:image/png;base64,iVBORw0KGgo='],
    ['URL', 'example.org'],
    ['URL', 'not a url'],
    ['URL', 42],
    ['PHOTO', 'data:text/html;base64,PGI+'],
    ['PHOTO', 'data:image/svg+xml;base64,PHN2Zz4='],
    ['PHOTO', 'data:image/png;base64,<script>'],
    ['PHOTO', 'file:///etc/passwd'],
  ])('%s rejects %j, naming the field and what it accepts', (type, raw) => {
    let thrown: unknown;
    try {
      normaliseValue(field(type), raw);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const e = thrown as AppError;
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.details).toEqual({ field: 'k' });
    expect(e.message).toContain(`"Label" (k) must be ${ACCEPTS[type]}`);
  });

  it('shows what it got, shortened for long text', () => {
    expect(() => normaliseValue(field('NUMBER'), 'ten')).toThrow(/got "ten"\.$/);
    expect(() => normaliseValue(field('TEXT'), 'y'.repeat(20_000))).toThrow(new RegExp(`got "${'y'.repeat(20)}…"`));
  });

  it('describes what every type accepts', () => {
    for (const type of FIELD_TYPES) expect(ACCEPTS[type].length).toBeGreaterThan(5);
  });
});

describe('uidText', () => {
  it.each<[string | number | boolean | null, string | null]>([
    ['E0001', 'E0001'],
    [42, '42'],
    [-3.5, '-3.5'],
    [null, null],
  ])('stores %j as %j', (value, text) => {
    expect(uidText(value)).toBe(text);
  });
});
