import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../api/src/config.js';
import { freePort } from '../../api/src/db/embedded.js';

/**
 * `npm start` on its embedded PostgreSQL, stopped as a person at a terminal stops it (Ctrl-C: SIGINT
 * to the whole foreground process group, PostgreSQL included) and as an orchestrator does (SIGTERM
 * to the process alone): a clean exit, no error in the log, and the cluster stopped with it.
 */
describe('stopping Rollcall on its embedded PostgreSQL', () => {
  let dataDir = '';
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const port = await freePort();
    const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'info', PORT: String(port), HOST: '127.0.0.1', ROLLCALL_DATA_DIR: dataDir, ROLLCALL_EMBEDDED_PG_PORT: String(await freePort()) };
    // Its own process group, as a shell gives a foreground job.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'api/src/main.ts')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 120_000;
    while (!(await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Rollcall did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { child, exited, output: () => output };
  };
  const errorsIn = (output: string) => output.split('\n').filter((l) => /"level":(50|60)/.test(l) || /terminating connection/.test(l));
  const pidFile = () => path.join(dataDir, 'pg', 'postmaster.pid');

  it('exits cleanly on Ctrl-C (SIGINT to the process group) and on SIGTERM, stopping its cluster last', { timeout: 240_000 }, async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-shutdown-'));
    const first = await start();
    expect(existsSync(pidFile())).toBe(true);
    process.kill(-first.child.pid!, 'SIGINT');
    expect(await first.exited).toBe(0);
    expect(errorsIn(first.output())).toEqual([]);
    expect(first.output()).toContain('shutting down');
    expect(existsSync(pidFile())).toBe(false);

    const second = await start();
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(errorsIn(second.output())).toEqual([]);
    expect(existsSync(pidFile())).toBe(false);
  });
});
