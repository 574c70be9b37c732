/**
 * The Graph simulator's process (graph-sim-host.ts) seen from a benchmark: launched with its
 * certificate directory, driven over IPC, one answer per request.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { simulatorCert } from '../support/graph-sim/certs.js';
import type { HostRequest, HostStart } from './graph-sim-host.js';

/** Runs a benchmark's `main` in a process that trusts the simulator's certificate; any error exits 1. */
export function runTrustingSimulator(certDir: string, file: string, args: string[], main: () => Promise<void>): void {
  (async () => {
    await trustSimulator(certDir, file, args);
    await main();
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

/**
 * Node reads NODE_EXTRA_CA_CERTS only when a process starts, and the SDKs trust the simulator's
 * certificate only through it: without it, runs `file` again in a process that has it and exits
 * with its code; with it, returns.
 */
async function trustSimulator(certDir: string, file: string, args: string[]): Promise<void> {
  const { certFile } = await simulatorCert(certDir);
  if (process.env.NODE_EXTRA_CA_CERTS === certFile) return;
  const child = spawn(process.execPath, [...process.execArgv, file, ...args], { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: certFile } });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  process.exit(code);
}

export class SimHost {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private constructor(
    private readonly child: ChildProcess,
    readonly start: HostStart,
  ) {
    child.on('message', (m: { id: number; ok?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.error) w.reject(new Error(m.error));
      else w.resolve(m.ok);
    });
  }

  static async launch(certDir: string): Promise<SimHost> {
    // A million users with their change history need more than the default heap.
    const child = fork(path.join(import.meta.dirname, 'graph-sim-host.ts'), [certDir], { execArgv: [...process.execArgv, '--max-old-space-size=8192'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const start = await new Promise<HostStart>((resolve, reject) => {
      child.once('message', (m: { ready: HostStart }) => resolve(m.ready));
      child.once('exit', (code) => reject(new Error(`the simulator's process exited (${code})`)));
    });
    return new SimHost(child, start);
  }

  call<T>(req: HostRequest): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...req, id });
    });
  }

  stop(): void {
    this.child.disconnect();
  }
}
