// The gateway's Prometheus metrics (the exposition is @klody/service's): request counters, latency
// histograms, and per-worker gauges read from the manager when scraped.
import type { WorkerStatus } from '@klody/gateway-client/schemas';
import { Histogram, prometheusLabels as labels } from '@klody/service';

const GIB = 1024 ** 3;
const latencyBuckets = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];

export type RequestOutcome = 'completed' | 'client_aborted' | 'upstream_error' | 'rejected';

export class GatewayMetrics {
  private readonly requests = new Map<string, { labels: Record<string, string>; value: number }>();
  private readonly duration = new Histogram(
    'klody_gateway_request_duration_seconds',
    'Time from the request reaching the gateway to the end of the response, by worker.',
    latencyBuckets,
  );
  private readonly firstByte = new Histogram(
    'klody_gateway_time_to_first_byte_seconds',
    "Time from the request reaching the gateway to the worker's first response byte, by worker.",
    latencyBuckets,
  );

  observe(
    worker: string,
    status: number,
    outcome: RequestOutcome,
    seconds: number,
    firstByteSeconds: number | null,
  ): void {
    const key = `${worker}\u0000${status}\u0000${outcome}`;
    const counter = this.requests.get(key) ?? {
      labels: { worker, status: String(status), outcome },
      value: 0,
    };
    counter.value++;
    this.requests.set(key, counter);
    this.duration.observe({ worker }, seconds);
    if (firstByteSeconds !== null) this.firstByte.observe({ worker }, firstByteSeconds);
  }

  render(input: {
    workers: readonly WorkerStatus[];
    budgetGb: number;
    usedGb: number;
    availableGb: number | null;
    evictions: Record<string, number>;
  }): string {
    const out: string[] = [];
    const gauge = (
      name: string,
      help: string,
      type: 'gauge' | 'counter',
      rows: Array<[Record<string, string>, number]>,
    ) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labelValues, value] of rows) out.push(`${name}${labels(labelValues)} ${value}`);
    };
    const states = ['stopped', 'starting', 'ready', 'stopping', 'failed', 'survivor', 'remote'];
    gauge(
      'klody_gateway_worker_state',
      'The state of each worker (1 for its current state).',
      'gauge',
      input.workers.flatMap((worker) =>
        states.map((state): [Record<string, string>, number] => [
          { worker: worker.name, state },
          worker.state === state ? 1 : 0,
        ]),
      ),
    );
    gauge(
      'klody_gateway_worker_memory_bytes',
      'Worker memory: measured (PSS of its process tree, or footprint) and the registry estimate.',
      'gauge',
      input.workers.flatMap(
        (worker): Array<[Record<string, string>, number]> => [
          [{ worker: worker.name, source: 'estimated' }, Math.round(worker.estimatedGb * GIB)],
          ...(worker.measuredGb === null
            ? []
            : [
                [{ worker: worker.name, source: 'measured' }, Math.round(worker.measuredGb * GIB)] as [
                  Record<string, string>,
                  number,
                ],
              ]),
        ],
      ),
    );
    gauge(
      'klody_gateway_worker_inflight',
      'Requests holding a slot of the worker.',
      'gauge',
      input.workers.map((worker) => [{ worker: worker.name }, worker.inflight]),
    );
    gauge(
      'klody_gateway_worker_queued',
      'Requests waiting for the worker (load or slot).',
      'gauge',
      input.workers.map((worker) => [{ worker: worker.name }, worker.queued]),
    );
    gauge(
      'klody_gateway_worker_requests_total',
      'Requests served by the worker.',
      'counter',
      input.workers.map((worker) => [{ worker: worker.name }, worker.requests]),
    );
    gauge(
      'klody_gateway_worker_swaps_total',
      'Times the gateway started the worker (loads, swaps, restarts).',
      'counter',
      input.workers.map((worker) => [{ worker: worker.name }, worker.starts]),
    );
    gauge(
      'klody_gateway_worker_evictions_total',
      'Times the worker was evicted to make room.',
      'counter',
      input.workers.map((worker) => [{ worker: worker.name }, input.evictions[worker.name] ?? 0]),
    );
    gauge(
      'klody_gateway_circuit_open',
      'Whether the circuit breaker of a worker behind a route sets it aside (1: open or half-open).',
      'gauge',
      input.workers.flatMap(
        (worker): Array<[Record<string, string>, number]> =>
          worker.circuit ? [[{ worker: worker.name }, worker.circuit.state === 'closed' ? 0 : 1]] : [],
      ),
    );
    gauge(
      'klody_gateway_worker_hangs_total',
      'Times the worker was found hung (alive, its health check silent) and restarted.',
      'counter',
      input.workers.map((worker) => [{ worker: worker.name }, worker.hangs]),
    );
    gauge('klody_gateway_budget_bytes', 'The memory budget of the workers.', 'gauge', [
      [{}, Math.round(input.budgetGb * GIB)],
    ]);
    gauge('klody_gateway_used_bytes', 'Memory held by running workers (measured, else estimated).', 'gauge', [
      [{}, Math.round(input.usedGb * GIB)],
    ]);
    if (input.availableGb !== null) {
      gauge(
        'klody_gateway_memory_available_bytes',
        "The machine's available memory (MemAvailable).",
        'gauge',
        [[{}, Math.round(input.availableGb * GIB)]],
      );
    }
    out.push(
      '# HELP klody_gateway_requests_total Relayed requests by worker, status and outcome.',
      '# TYPE klody_gateway_requests_total counter',
    );
    for (const counter of this.requests.values())
      out.push(`klody_gateway_requests_total${labels(counter.labels)} ${counter.value}`);
    out.push(this.duration.render(), this.firstByte.render());
    return `${out.join('\n')}\n`;
  }
}
