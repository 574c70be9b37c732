import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'scim2-parse-filter';
import { fcParams } from '../../../../tests/support/property.js';
import { matches, parseFilter, type Filter } from './filter.js';
import { filterToSql } from '../storage/filter-sql.js';
import { ScimError } from './errors.js';

/** Attribute paths as identity providers write them: core, sub-attributes, enterprise URN paths. */
const attrPath = fc.oneof(
  fc.constantFrom('userName', 'displayName', 'title', 'name.givenName', 'emails.value', 'emails.type', 'active', 'externalId', 'meta.lastModified'),
  fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,8}(\.[a-zA-Z][a-zA-Z0-9]{0,8})?$/),
  fc.constantFrom('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value'),
);
// scim2-parse-filter reads no negative numbers (`eq -1` is a syntax error, answered 400 invalidFilter):
// filters compare strings, booleans and counts in practice, so only those are generated.
const compValue = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.nat(1e6));
const compareOp = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le');

/** Filter trees with logical operators of two or more operands (what flatten yields). */
export const filterTree: fc.Arbitrary<Filter> = fc.letrec<{ f: Filter }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ op: compareOp, attrPath, compValue }) as fc.Arbitrary<Filter>,
    fc.record({ op: fc.constant('pr' as const), attrPath }) as fc.Arbitrary<Filter>,
    fc.record({ op: fc.constantFrom('and' as const, 'or' as const), filters: fc.array(tie('f'), { minLength: 2, maxLength: 3 }) }) as fc.Arbitrary<Filter>,
    fc.record({ op: fc.constant('not' as const), filter: tie('f') }) as fc.Arbitrary<Filter>,
    fc.record({
      op: fc.constant('[]' as const),
      attrPath: fc.constantFrom('emails', 'phoneNumbers', 'addresses'),
      valFilter: fc.oneof(fc.record({ op: compareOp, attrPath: fc.constantFrom('type', 'value', 'primary'), compValue }), fc.record({ op: fc.constant('pr' as const), attrPath: fc.constant('value') })),
    }) as fc.Arbitrary<Filter>,
  ),
})).f;

/** `a and (b and c)` prints as `a and b and c`, which parses as one `and` of three: the same filter. */
function merged(f: Filter): Filter {
  if (f.op === 'and' || f.op === 'or') {
    const filters = (f as { filters: Filter[] }).filters.map(merged).flatMap((x) => (x.op === f.op ? (x as { filters: Filter[] }).filters : [x]));
    return { op: f.op, filters } as Filter;
  }
  if (f.op === 'not') return { op: 'not', filter: merged((f as { filter: Filter }).filter) } as Filter;
  if (f.op === '[]') return { ...f, valFilter: merged((f as { valFilter: Filter }).valFilter) } as Filter;
  return f;
}

describe('SCIM filters, as properties (RFC 7644 §3.4.2.2)', () => {
  it('print then parse gives the same filter', () => {
    fc.assert(
      fc.property(filterTree, (f) => {
        const text = stringify(f);
        expect(merged(parseFilter(text))).toEqual(merged(f));
        // And printing what was parsed gives the same text.
        expect(stringify(parseFilter(text))).toBe(text);
      }),
      fcParams(500),
    );
  });

  it('parsing any text gives a filter or a 400 invalidFilter, never another error', () => {
    const tokens = fc.constantFrom('userName', 'emails', '[', ']', '(', ')', ' ', 'eq', 'pr', 'and', 'or', 'not', '"', '"x"', '\\', 'true', 'null', '1', '.', ':', 'urn:a:b');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.array(tokens, { maxLength: 12 }).map((t) => t.join(' ')), fc.array(tokens, { maxLength: 12 }).map((t) => t.join(''))), (text) => {
        try {
          parseFilter(text);
        } catch (err) {
          expect(err).toBeInstanceOf(ScimError);
          expect(err).toMatchObject({ status: 400, scimType: 'invalidFilter' });
        }
      }),
      fcParams(1000),
    );
  });

  it('evaluating any filter against any element is a boolean, never an error', () => {
    fc.assert(
      fc.property(filterTree, fc.jsonValue({ maxDepth: 3 }), (f, element) => {
        expect(typeof matches(element, f)).toBe('boolean');
      }),
      fcParams(500),
    );
  });

  it('every filter becomes SQL with one parameter per placeholder and nothing spliced, or a 400', () => {
    fc.assert(
      fc.property(filterTree, (f) => {
        let sql: { sql: string; params: unknown[] };
        try {
          sql = filterToSql(f);
        } catch (err) {
          expect(err).toBeInstanceOf(ScimError);
          expect((err as ScimError).status).toBe(400);
          return;
        }
        expect((sql.sql.match(/\?/g) ?? []).length).toBe(sql.params.length);
        // Only the statement's own quoted literals appear in it: no value or name of the filter.
        for (const literal of sql.sql.match(/'[^']*'/g) ?? []) expect(["'ACTIVE'", "'{}'", "''", "'array'", "'[]'"]).toContain(literal);
      }),
      fcParams(500),
    );
  });
});

describe('filter literals scim2-parse-filter misread', () => {
  it.each<[string, unknown]>([
    [String.raw`userName eq "CONTOSO\\jdoe"`, String.raw`CONTOSO\jdoe`],
    [String.raw`userName eq "ends with\\"`, 'ends with\\'],
    [String.raw`userName eq "CONTOSO\jdoe"`, String.raw`CONTOSO\jdoe`],
    ['employeeNumber eq -12', -12],
  ])('%s compares with %j', (text, value) => {
    expect(parseFilter(text)).toMatchObject({ op: 'eq', compValue: value });
  });
});
