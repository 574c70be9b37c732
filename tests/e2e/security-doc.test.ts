import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const doc = readFileSync(path.join(root, 'docs/SECURITY.md'), 'utf8');

/** docs/SECURITY.md names, for each threat, the tests that cover it: they must exist. */
describe('the threat model (docs/SECURITY.md)', () => {
  const cited = [...doc.matchAll(/`([\w/.-]+\.test\.ts)`(?: › ((?:"[^"]+"(?:, )?)+))?/g)].map((m) => ({
    file: m[1]!,
    names: [...(m[2] ?? '').matchAll(/"([^"]+)"/g)].map((n) => n[1]!),
  }));

  it('cites test files and test names that exist', () => {
    expect(cited.length).toBeGreaterThan(30);
    const missing: string[] = [];
    for (const { file, names } of cited) {
      const full = path.join(root, file);
      if (!existsSync(full)) {
        missing.push(file);
        continue;
      }
      const source = readFileSync(full, 'utf8');
      for (const name of names) if (!source.includes(name)) missing.push(`${file} › "${name}"`);
    }
    expect(missing).toEqual([]);
  });
});
