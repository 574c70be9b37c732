import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../config.js';
import { printContract, createSchema, type ResolverDeps } from './schema.js';

/**
 * Writes schema/schema.graphql from the production schema. Resolvers are never called while
 * printing, so no services are needed; `--check` fails when the committed file differs.
 */
const schema = await createSchema({} as ResolverDeps);
const text = printContract(schema);
const file = path.join(repoRoot, 'schema', 'schema.graphql');
if (process.argv.includes('--check')) {
  const { readFile } = await import('node:fs/promises');
  const committed = await readFile(file, 'utf8').catch(() => '');
  if (committed !== text) {
    console.error('schema/schema.graphql is out of date: run `npm run schema:emit` and commit the result.');
    process.exit(1);
  }
  console.log('schema/schema.graphql is up to date.');
} else {
  await writeFile(file, text);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
