/**
 * The Graph simulator in a process of its own, for `npm run bench`: the tenant (100,000 or a
 * million users) and the simulator's own CPU stay out of the process whose time and memory are
 * measured. Driven over IPC by tests/bench/entra.ts; every message gets one answer.
 */
import { startGraphSimulator } from '../support/graph-sim/index.js';

export type HostRequest =
  | { op: 'seed'; n: number }
  /** Changes the department of `n` users spread over the tenant; answers their ids. */
  | { op: 'change'; n: number; tag: string }
  /** Joiners, movers, disabled accounts and leavers, `n` in all; answers how many of each. */
  | { op: 'churn'; n: number; tag: string }
  | { op: 'counts' }
  | { op: 'reset' }
  /** Every user's synced attributes, to compare a list with the directory. */
  | { op: 'users' };

export interface HostStart {
  url: string;
  connectionInput: { name: string; tenantId: string; clientId: string; clientSecret: string };
}

const certDir = process.argv[2];
const sim = await startGraphSimulator(certDir ? { certDir } : {});
const d = sim.directory;

/** `n` distinct users spread evenly over the tenant, starting at `offset`. */
function spread(n: number, offset: number): string[] {
  const ids = d.userIds();
  const step = Math.max(1, Math.floor(ids.length / n));
  const out: string[] = [];
  for (let i = offset % step; i < ids.length && out.length < n; i += step) out.push(ids[i]!);
  return out;
}

function handle(msg: HostRequest): unknown {
  switch (msg.op) {
    case 'seed':
      d.seedUsers(msg.n);
      return { users: d.userCount };
    case 'change': {
      const ids = spread(msg.n, 0);
      for (const id of ids) d.updateUser(id, { department: `Dept ${msg.tag}` });
      return { ids };
    }
    case 'churn': {
      // 20% joiners, 60% movers, 10% disabled, 10% leavers, on distinct users.
      const joiners = Math.round(msg.n * 0.2);
      const disabled = Math.round(msg.n * 0.1);
      const leavers = Math.round(msg.n * 0.1);
      const movers = msg.n - joiners - disabled - leavers;
      const picked = spread(movers + disabled + leavers, 1);
      picked.slice(0, movers).forEach((id) => d.updateUser(id, { department: `Moved ${msg.tag}`, jobTitle: `Title ${msg.tag}` }));
      picked.slice(movers, movers + disabled).forEach((id) => d.updateUser(id, { accountEnabled: false }));
      picked.slice(movers + disabled).forEach((id) => d.deleteUser(id));
      d.seedUsers(joiners);
      return { created: joiners, updated: movers, disabled, deleted: leavers, users: d.userCount };
    }
    case 'counts':
      return Object.fromEntries(sim.sim.counts);
    case 'reset':
      sim.sim.resetCounts();
      return {};
    case 'users':
      return d.userIds().map((id) => {
        const u = d.user(id)!;
        return { employeeId: u.employeeId ?? null, mail: u.mail ?? null, givenName: u.givenName ?? null, surname: u.surname ?? null, department: u.department ?? null, accountEnabled: u.accountEnabled !== false };
      });
  }
}

process.on('message', (msg: HostRequest & { id: number }) => {
  let reply: unknown;
  try {
    reply = { id: msg.id, ok: handle(msg) };
  } catch (err) {
    reply = { id: msg.id, error: err instanceof Error ? err.message : String(err) };
  }
  process.send!(reply);
});
process.on('disconnect', () => void sim.sim.stop().then(() => process.exit(0)));
process.send!({ ready: { url: sim.sim.url, connectionInput: sim.connectionInput } satisfies HostStart });
