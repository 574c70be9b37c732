import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type GraphQLSchema,
} from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
// The package's ESM build imports graphql/index.mjs, a second copy of graphql next to the CommonJS
// one every other library here loads ("Cannot use GraphQLObjectType from another module or
// realm"); its CommonJS build shares ours.
import { createRequire } from 'node:module';

const { getComplexity, simpleEstimator } = createRequire(import.meta.url)('graphql-query-complexity/cjs') as typeof import('graphql-query-complexity');
import type { ApolloServerPlugin } from '@apollo/server';

/** Rejects operations nested deeper than `max` fields (fragments are followed, cycles are not). */
export function depthLimit(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith('__')) continue;
          deepest = Math.max(deepest, 1 + depthOf(sel.selectionSet, seen));
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(sel.selectionSet, seen));
        } else {
          const name = sel.name.value;
          const frag = fragments.get(name);
          if (frag && !seen.has(name)) deepest = Math.max(deepest, depthOf(frag.selectionSet, new Set([...seen, name])));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > max) {
          context.reportError(
            new GraphQLError(`This operation is nested ${depth} levels deep; the limit is ${max}. Split it into smaller queries.`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            }),
          );
        }
      },
    };
  };
}

/** List fields cost their page size (`first`) times their children. */
const pageEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  const first = typeof args.first === 'number' ? args.first : undefined;
  return first === undefined ? undefined : 1 + first * Math.max(1, childComplexity);
};

/**
 * The error for an operation whose estimated cost exceeds `max`, or null when it may run; a
 * BAD_USER_INPUT error when the variables do not fit the operation (the estimate coerces them
 * before graphql's execution would, so without a code it surfaced as an internal error).
 */
export function costLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | null | undefined,
  max: number,
): GraphQLError | null {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      operationName: operationName ?? undefined,
      query: document,
      variables,
      estimators: [pageEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    return new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
  }
  if (cost <= max) return null;
  return new GraphQLError(`This operation would cost ${cost} points; the limit is ${max}. Ask for fewer rows or fields.`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } },
  });
}

/** Refuses operations whose estimated cost exceeds `max` before they run. */
export function costLimitPlugin(schema: GraphQLSchema, max: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const error = costLimitError(schema, document, request.variables ?? {}, request.operationName, max);
          if (error) throw error;
        },
      };
    },
  };
}

const NUL = '\u0000';

function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes(NUL) || containsNul(v, depth + 1));
}

/**
 * PostgreSQL text cannot hold the NUL character (U+0000), so text carrying one is refused up front
 * as bad input, wherever it appears (inline arguments or variables), instead of failing in SQL.
 */
export function nulCharacterError(document: DocumentNode, variables: Record<string, unknown>): GraphQLError | null {
  let found = containsNul(variables);
  if (!found) {
    visitStrings(document, (s) => {
      if (s.includes(NUL)) found = true;
    });
  }
  return found
    ? new GraphQLError('Text may not contain the NUL character (U+0000); remove it and try again.', { extensions: { code: 'BAD_USER_INPUT' } })
    : null;
}

function visitStrings(node: unknown, each: (s: string) => void, depth = 0): void {
  if (depth > 200 || node === null || typeof node !== 'object') return;
  const n = node as { kind?: string; value?: unknown };
  if (n.kind === Kind.STRING && typeof n.value === 'string') each(n.value);
  for (const [key, child] of Object.entries(node)) {
    if (key === 'loc') continue;
    if (Array.isArray(child)) for (const c of child) visitStrings(c, each, depth + 1);
    else if (child && typeof child === 'object') visitStrings(child, each, depth + 1);
  }
}

export function nulCharacterPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const error = nulCharacterError(document, request.variables ?? {});
          if (error) throw error;
        },
      };
    },
  };
}
