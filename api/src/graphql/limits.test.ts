import { describe, expect, it } from 'vitest';
import { buildSchema, parse, specifiedRules, validate, type GraphQLError } from 'graphql';
import { costLimitError, depthLimit } from './limits.js';

const schema = buildSchema(`
  type Query { node: Node, items(first: Int): [Node!]! }
  type Node { id: ID!, child: Node, items(first: Int): [Node!]! }
`);

/** The errors of our rule alone (graphql's own rules are covered by graphql). */
const depthErrors = (query: string, max: number): readonly GraphQLError[] => validate(schema, parse(query), [depthLimit(max)]);

describe('depthLimit', () => {
  it.each([
    ['{ node { id } }', 2],
    ['{ node { child { child { id } } } }', 4],
    ['{ node { id child { id } } items { id } }', 3],
    ['{ ...Q } fragment Q on Query { node { child { id } } }', 3],
    ['{ node { ... on Node { child { ... on Node { id } } } } }', 3],
    ['{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { id } }', 4],
  ])('measures %s as %i levels: allowed at that limit, refused below it', (query, depth) => {
    expect(depthErrors(query, depth)).toEqual([]);
    const errors = depthErrors(query, depth - 1);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(errors[0]!.message).toBe(`This operation is nested ${depth} levels deep; the limit is ${depth - 1}. Split it into smaller queries.`);
  });

  it('measures each operation of a document on its own', () => {
    const doc = 'query Shallow { node { id } } query Deep { node { child { child { id } } } }';
    const errors = depthErrors(doc, 3);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('nested 4 levels');
    expect(errors[0]!.nodes?.[0]).toMatchObject({ name: { value: 'Deep' } });
  });

  it('does not count introspection fields', () => {
    expect(depthErrors('{ __typename node { __typename id } }', 2)).toEqual([]);
    expect(depthErrors('{ __schema { types { fields { type { ofType { name } } } } } }', 2)).toEqual([]);
  });

  it('terminates on fragment cycles and leaves them to graphql\'s own rule', () => {
    const doc = parse('{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }');
    expect(validate(schema, doc, [depthLimit(10)])).toEqual([]);
    const all = validate(schema, doc, [...specifiedRules, depthLimit(10)]);
    expect(all.map((e) => e.message).join('\n')).toMatch(/Cannot spread fragment "A" within itself/);
  });

  it('ignores spreads of unknown fragments (reported by graphql)', () => {
    expect(depthErrors('{ node { ...Missing } }', 2)).toEqual([]);
  });
});

describe('costLimitError', () => {
  const cost = (query: string, variables: Record<string, unknown> = {}) => {
    const error = costLimitError(schema, parse(query), variables, undefined, 0);
    return Number(/cost (\d+) points/.exec(error?.message ?? '')?.[1]);
  };

  it('charges a list its page size times its children', () => {
    expect(cost('{ node { id } }')).toBe(2);
    expect(cost('{ items(first: 10) { id } }')).toBe(11);
    expect(cost('{ items(first: 10) { id child { id } } }')).toBe(1 + 10 * 3);
    expect(cost('{ items(first: 10) { items(first: 5) { id } } }')).toBe(1 + 10 * (1 + 5 * 1));
  });

  it('reads page sizes from variables', () => {
    expect(cost('query($n: Int) { items(first: $n) { id } }', { n: 100 })).toBe(101);
  });

  it('allows an operation at the limit and refuses one above it', () => {
    const doc = parse('{ items(first: 10) { id } }');
    expect(costLimitError(schema, doc, {}, undefined, 11)).toBeNull();
    const error = costLimitError(schema, doc, {}, undefined, 10)!;
    expect(error.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(error.message).toBe('This operation would cost 11 points; the limit is 10. Ask for fewer rows or fields.');
  });

  it('answers variables that do not fit the operation as bad input, not as an internal error', () => {
    const error = costLimitError(schema, parse('query($n: Int) { items(first: $n) { id } }'), { n: 'ten' }, undefined, 1000)!;
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/Variable "\$n" got invalid value "ten"/);
  });

  it('costs the named operation only', () => {
    const doc = parse('query Small { node { id } } query Big { items(first: 100) { id } }');
    expect(costLimitError(schema, doc, {}, 'Small', 10)).toBeNull();
    expect(costLimitError(schema, doc, {}, 'Big', 10)).not.toBeNull();
  });
});
