import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../api/src/config.js';
import { freePort } from '../../api/src/db/embedded.js';

/** Rollcall as its own OS process, so a test can run several roles and kill one. */
export interface RollcallProcess {
  child: ChildProcess;
  /** Where it listens: the API, or a worker's health probes. */
  url: string;
  /** Everything it printed so far (structured log lines and the banner). */
  output(): string;
  /** SIGKILL, as the kernel or an orchestrator would: no shutdown code runs. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
}

/**
 * Starts `npm start`'s entry point (api/src/main.ts through tsx) with `env` on a free loopback port
 * and waits until `/readyz` answers (api and worker roles both serve it).
 */
export async function startRollcallProcess(env: Record<string, string>, timeoutMs = 120_000): Promise<RollcallProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'api/src/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const until = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  const proc: RollcallProcess = { child, url, output: () => output, kill: () => until('SIGKILL'), stop: () => until('SIGTERM') };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Rollcall exited early: ${output}`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return proc;
    if (Date.now() > deadline) {
      await proc.kill();
      throw new Error(`Rollcall did not become ready: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Polls `probe` every 100 ms until it returns something truthy; fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
