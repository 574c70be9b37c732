/**
 * The SCIM benchmark's clients, in a process of their own (forked by scim.ts), as identity
 * providers are: the load they generate (HTTP requests, parsing the answers) does not share an
 * event loop with the server measured, nor with the floor. Asked over IPC for one measurement at a
 * time: a scenario, a port, a token and a number of concurrent clients; answers with throughput,
 * latency percentiles and errors.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** How long each measurement is preceded by the same load, unmeasured (compiled code, prepared statements, a list's page positions). */
const WARM_UP_SECONDS = 0.5;

export interface Result {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

export type ScenarioName = 'lookup userName eq' | 'create' | 'PATCH replace title' | 'list page (deep, count=100)';
export const SCENARIOS: ScenarioName[] = ['lookup userName eq', 'create', 'PATCH replace title', 'list page (deep, count=100)'];

/** One measurement: where, who, how many clients, and what the requests are made of. */
export interface Measure {
  scenario: ScenarioName;
  port: number;
  token: string;
  clients: number;
  seconds: number;
  /** Prefix of every path (the list's base URL; empty for the floor). */
  base: string;
  /** Size of the seeded list (user1@… to userN@…). */
  people: number;
  /** SCIM ids of seeded users, for PATCHes. */
  ids: string[];
  /** Makes created userNames unique to this measurement. */
  run: string;
  /** Whether a status answers the scenario's request as it should. */
  strict: boolean;
}

const rnd = (n: number) => Math.floor(Math.random() * n);

/** The i-th request of a scenario: method, path below the base, body. */
function request(m: Measure, i: number): [string, string, unknown?] {
  switch (m.scenario) {
    case 'lookup userName eq':
      return ['GET', `/Users?filter=${encodeURIComponent(`userName eq "user${1 + rnd(m.people)}@bench.example"`)}`];
    case 'create':
      return ['POST', '/Users', { schemas: [USER], userName: `new${m.run}-${i}@bench.example`, name: { givenName: 'New', familyName: String(i) }, active: true }];
    case 'PATCH replace title':
      return ['PATCH', `/Users/${m.ids[i % m.ids.length]}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: `T${i}` }] }];
    case 'list page (deep, count=100)':
      return ['GET', `/Users?startIndex=${Math.floor(m.people / 2) + rnd(Math.floor(m.people / 2) - 100)}&count=100`];
  }
}

const expected: Record<ScenarioName, number> = { 'lookup userName eq': 200, create: 201, 'PATCH replace title': 200, 'list page (deep, count=100)': 200 };

/** A keep-alive HTTP client: method, path, body → status (the body is read in full, as a client would). */
function client(port: number, token: string, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const send = (method: string, path: string, body?: unknown) =>
    new Promise<number>((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method,
          agent,
          headers: { authorization: `Bearer ${token}`, ...(data ? { 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(data) } : {}) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  return { send, close: () => agent.destroy() };
}

/**
 * `clients` loops issuing the scenario's requests back to back for `seconds`, after
 * WARM_UP_SECONDS of the same unmeasured; throughput and latency percentiles. Errors of the
 * warm-up count too.
 */
export async function measure(m: Measure): Promise<Result> {
  const { send, close } = client(m.port, m.token, m.clients);
  const ok = (status: number) => (m.strict ? status === expected[m.scenario] : status > 0 && status < 400);
  const fn = (i: number) => {
    const [method, path, body] = request(m, i);
    return send(method, `${m.base}${path}`, body).catch(() => 0);
  };
  const latencies: number[] = [];
  let errors = 0;
  let seq = 0;
  try {
    const warmUntil = performance.now() + WARM_UP_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: m.clients }, async () => {
        while (performance.now() < warmUntil) if (!ok(await fn(seq++))) errors += 1;
      }),
    );
    const t0 = performance.now();
    const until = t0 + m.seconds * 1000;
    await Promise.all(
      Array.from({ length: m.clients }, async () => {
        while (performance.now() < until) {
          const s = performance.now();
          const status = await fn(seq++);
          latencies.push(performance.now() - s);
          if (!ok(status)) errors += 1;
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)] ?? 0;
    return { perSecond: latencies.length / ((performance.now() - t0) / 1000), p50: at(0.5), p99: at(0.99), errors };
  } finally {
    close();
  }
}

if (process.send) {
  process.on('message', (msg: { id: number; measure: Measure }) => {
    measure(msg.measure).then(
      (ok) => process.send!({ id: msg.id, ok }),
      (err: unknown) => process.send!({ id: msg.id, error: String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
