import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { OperationsService } from '../app/operations.ts';

/** A registry per server, so tests can build many servers in one process. */
export function createMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'interlend_' });
  return registry;
}

export function instrument(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'interlend_http_requests_total',
    help: 'HTTP requests answered, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'interlend_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so ids do not make a new series each.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}

/**
 * `interlend_job_failures_total{type}`: every run of a job that failed (to be retried or parked), counted by this
 * process's worker. main.ts hands the returned function to the worker.
 */
export function jobFailureCounter(registry: Registry): (type: string) => void {
  const existing = registry.getSingleMetric('interlend_job_failures_total') as Counter | undefined;
  const counter =
    existing ??
    new Counter({
      name: 'interlend_job_failures_total',
      help: 'Job runs that failed (each is retried with backoff, or parked as failed after its last try), by job type, counted by this process',
      labelNames: ['type'],
      registers: [registry],
    });
  return (type) => counter.inc({ type });
}

/**
 * The operator's view of the queue and the partners (docs/operations.md), read from storage at each scrape through
 * the OperationsService. `interlend_database_up` is always there; the gauges read from storage are left out when the
 * database does not answer (in time), so a scrape never fails or hangs because of it and an alert on them does not
 * fire on stale numbers. Returns the text of a scrape.
 */
export function operationsMetrics(registry: Registry, operations: OperationsService): () => Promise<string> {
  const databaseUp = new Gauge({ name: 'interlend_database_up', help: '1 when the database answered this scrape, 0 when it did not (in 2 s)', registers: [registry] });
  // Read at scrape time into a registry of their own, printed only when the database answered.
  const storage = new Registry();
  const jobs = new Gauge({ name: 'interlend_jobs', help: 'Jobs in the queue by type and state (ready, running, failed; done ones are not counted)', labelNames: ['type', 'state'], registers: [storage] });
  const retrying = new Gauge({ name: 'interlend_jobs_retrying', help: 'Ready jobs that failed at least once and wait for their next try, by type', labelNames: ['type'], registers: [storage] });
  const oldestDue = new Gauge({ name: 'interlend_job_oldest_due_age_seconds', help: 'How long the job that has been due longest has waited to run (0: none is due); grows while the worker is stuck or behind', registers: [storage] });
  const failing = new Gauge({ name: 'interlend_partner_failing', help: '1 when the last call to the partner failed (refused, no answer, a server error) and none was answered since', labelNames: ['partner'], registers: [storage] });
  const waiting = new Gauge({ name: 'interlend_partner_requests_waiting', help: 'Requests whose send to the partner failed and will be tried again', labelNames: ['partner'], registers: [storage] });
  return async () => {
    const snapshot = await operations.snapshot();
    databaseUp.set(snapshot.databaseUp ? 1 : 0);
    const text = await registry.metrics();
    if (!snapshot.storage) return text;
    for (const gauge of [jobs, retrying, failing, waiting]) gauge.reset();
    for (const row of snapshot.storage.jobs.byTypeAndState) jobs.set({ type: row.type, state: row.state }, row.count);
    for (const row of snapshot.storage.jobs.retryingByType) retrying.set({ type: row.type }, row.count);
    oldestDue.set(snapshot.storage.oldestDueAgeSeconds);
    for (const partner of snapshot.storage.partners) {
      failing.set({ partner: partner.partner }, partner.failing ? 1 : 0);
      waiting.set({ partner: partner.partner }, partner.waiting);
    }
    return `${text}${await storage.metrics()}`;
  };
}
