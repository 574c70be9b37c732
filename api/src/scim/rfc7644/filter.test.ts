import { describe, expect, it } from 'vitest';
import { matches, parseFilter } from './filter.js';
import { filterToSql } from '../storage/filter-sql.js';
import { ScimError } from './errors.js';

const email = { value: 'Ada@Work.test', type: 'work', primary: true };

describe('SCIM filters (RFC 7644 §3.4.2.2)', () => {
  it.each<[string, boolean]>([
    ['type eq "WORK"', true],
    ['type ne "work"', false],
    ['value co "@work"', true],
    ['value sw "ada"', true],
    ['value ew ".TEST"', true],
    ['display pr', false],
    ['primary eq true', true],
    ['type eq "work" and not (value co "home")', true],
    ['type eq "home" or primary eq true', true],
    ['value gt "a"', true],
    ['value lt "a"', false],
  ])('element %s → %s', (f, expected) => {
    expect(matches(email, parseFilter(f))).toBe(expected);
  });

  it.each(['userName eq', 'userName zz "x"', '(a eq "b"', ''])('refuses %j with invalidFilter', (f) => {
    expect(() => parseFilter(f || ' ')).toThrow(ScimError);
  });

  it.each<[string, string, unknown[]]>([
    ['userName eq "Ada"', '(lower(su.user_name) = lower(?))', ['Ada']],
    ['externalId eq "X1"', '(su.external_id = ?)', ['X1']],
    ['active eq false', `((p.status = 'ACTIVE') = ?)`, [false]],
    ['meta.lastModified ge "2026-01-01T00:00:00Z"', '(su.updated_at >= ?::timestamptz)', ['2026-01-01T00:00:00.000Z']],
    ['userName co "50%_"', '(lower(su.user_name) LIKE lower(?))', ['%50\\%\\_%']],
    ['title eq "x"', `(lower(((su.resource -> ?) #>> '{}')) = lower(?))`, ['title', 'x']],
  ])('%s runs as indexed SQL', (f, sql, params) => {
    expect(filterToSql(parseFilter(f))).toEqual({ sql, params });
  });

  it('never splices attribute names or values into the statement', () => {
    const q = filterToSql(parseFilter(`emails[type eq "x'); DROP TABLE person; --"] and name.givenName eq "'"`));
    expect(q.sql).not.toContain('DROP');
    expect(q.sql).not.toContain("'x");
    expect(q.params).toContain(`x'); DROP TABLE person; --`);
    expect((q.sql.match(/\?/g) ?? []).length).toBe(q.params.length);
  });
});
