import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** A sample of a gauge read when /metrics is scraped. */
export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

// Seconds: from a fast health probe to a slow SCIM list page or CSV upload.
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// Seconds: a delta of a few changes to a full sync of a large tenant.
const RUN_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/**
 * This process's Prometheus metrics (prom-client), on a registry of its own so that several apps
 * in one process (tests) do not share counters. Counters and histograms are per process, as
 * Prometheus expects; gauges read shared state (queue, pool) when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({ name: 'rollcall_http_requests_total', help: 'HTTP requests answered, by method, route template and status.', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly httpSeconds = new Histogram({ name: 'rollcall_http_request_duration_seconds', help: 'Time to answer an HTTP request, by method, route template and status.', labelNames: ['method', 'route', 'status'], buckets: REQUEST_BUCKETS, registers: [this.registry] });
  private readonly scimRequests = new Counter({ name: 'rollcall_scim_requests_total', help: 'SCIM requests answered, by method, SCIM route template and status.', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly scimSeconds = new Histogram({ name: 'rollcall_scim_request_duration_seconds', help: 'Time to answer a SCIM request, by method, SCIM route template and status.', labelNames: ['method', 'route', 'status'], buckets: REQUEST_BUCKETS, registers: [this.registry] });
  private readonly syncRuns = new Counter({ name: 'rollcall_sync_runs_total', help: 'Sync runs that ended in this process, by source (entra, csv, ...) and outcome (SUCCEEDED, FAILED, HALTED).', labelNames: ['source', 'outcome'], registers: [this.registry] });
  private readonly syncSeconds = new Histogram({ name: 'rollcall_sync_run_duration_seconds', help: 'Duration of sync runs from start to end, by source and outcome.', labelNames: ['source', 'outcome'], buckets: RUN_BUCKETS, registers: [this.registry] });

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    // Process CPU, memory, event-loop lag and GC, prefixed so they sort with ours.
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'rollcall_' });
  }

  /** One answered HTTP request; SCIM routes count in the SCIM series too. */
  request(r: { method: string; route: string; status: number; seconds: number; scim: boolean }): void {
    const labels = { method: r.method, route: r.route, status: String(r.status) };
    this.httpRequests.inc(labels);
    this.httpSeconds.observe(labels, r.seconds);
    if (r.scim) {
      this.scimRequests.inc(labels);
      this.scimSeconds.observe(labels, r.seconds);
    }
  }

  /** A sync run reached a final status. */
  runFinished(source: string, outcome: string, seconds: number): void {
    this.syncRuns.inc({ source, outcome });
    this.syncSeconds.observe({ source, outcome }, Math.max(0, seconds));
  }

  /** A gauge whose samples are read when /metrics is scraped. A failed read leaves it empty. */
  gauge(name: string, help: string, labelNames: string[], read: () => Promise<GaugeSample[]> | GaugeSample[]): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        const samples = await Promise.resolve()
          .then(read)
          .catch(() => []);
        for (const s of samples) this.set(s.labels, s.value);
      },
    });
  }

  /** The text exposition format and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
