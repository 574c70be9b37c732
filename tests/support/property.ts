import type { Parameters } from 'fast-check';

/**
 * fast-check run parameters for Rollcall's property and fuzz tests: a moderate number of runs, or
 * the seed (and path) a failure printed, to replay it: `FC_SEED=123 FC_PATH=4:1 npx vitest run <file>`.
 * `FC_RUNS` scales every run count (e.g. 10 for a long soak).
 */
export function fcParams<T>(numRuns: number): Parameters<T> {
  const scale = Number(process.env.FC_RUNS ?? 1) || 1;
  return {
    numRuns: Math.max(1, Math.round(numRuns * scale)),
    ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
    ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
  };
}
