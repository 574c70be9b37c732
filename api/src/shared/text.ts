/**
 * Text PostgreSQL cannot store: the NUL character (text and jsonb refuse U+0000) and lone UTF-16
 * surrogates (not Unicode; jsonb refuses `\ud800`). With the `u` flag a surrogate pair is one
 * code point, so only lone halves match `\p{Cs}`.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what is looked for
const UNSTORABLE = /[\u0000\p{Cs}]/u;
// eslint-disable-next-line no-control-regex -- as above
const UNSTORABLE_ALL = /[\u0000\p{Cs}]/gu;

/** Whether PostgreSQL can store this text as it is. */
export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/** The text with what PostgreSQL cannot store replaced by U+FFFD (for logs, which must never fail). */
export function storableText(s: string): string {
  return s.replace(UNSTORABLE_ALL, '\ufffd');
}

export type JsonProblem = 'TOO_DEEP' | 'UNSTORABLE_TEXT';

/**
 * Why a parsed JSON value cannot be processed: nested deeper than `maxDepth` (recursive code and
 * `structuredClone` would exhaust the stack) or holding text PostgreSQL cannot store, in a value or
 * a key; null when it is fine. Walks without recursion, so any depth is safe to check.
 */
export function jsonProblem(value: unknown, maxDepth: number): JsonProblem | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return 'UNSTORABLE_TEXT';
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return 'TOO_DEEP';
    if (Array.isArray(v)) for (const x of v) stack.push([x, depth + 1]);
    else
      for (const [k, x] of Object.entries(v)) {
        if (!isStorableText(k)) return 'UNSTORABLE_TEXT';
        stack.push([x, depth + 1]);
      }
  }
  return null;
}
