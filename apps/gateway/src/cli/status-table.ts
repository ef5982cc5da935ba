import type { StatusResponse } from '@klody/gateway-client/schemas';
import { renderTable } from '@klody/service';

function ago(lastUsed: number | null, now: number): string {
  if (lastUsed === null) return 'never';
  const seconds = Math.max(0, Math.round(now - lastUsed));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  return `${Math.round(seconds / 3600)}h ago`;
}

const gb = (value: number | null) =>
  value === null ? '-' : value < 0.1 ? `${(value * 1024).toFixed(0)} MiB` : `${value.toFixed(2)} GiB`;

/** `klody-gateway status` for people: one row per worker, then the memory line. */
export function renderStatusTable(status: StatusResponse, now = Date.now() / 1000): string {
  const header = [
    'WORKER',
    'STATE',
    'PID',
    'PINNED',
    'INFLIGHT',
    'QUEUED',
    'LAST USED',
    'ESTIMATED',
    'MEASURED',
    'SCHEDULED',
    'HANGS',
    'CIRCUIT',
    'ALIASES',
  ];
  const rows = status.workers.map((worker) => [
    worker.name,
    worker.state + (worker.adopted ? ' (adopted)' : ''),
    worker.pid === null ? '-' : String(worker.pid),
    worker.pinned ? 'yes' : 'no',
    String(worker.inflight),
    String(worker.queued),
    ago(worker.lastUsed, now),
    worker.state === 'remote' ? '-' : gb(worker.estimatedGb),
    gb(worker.measuredGb),
    worker.state === 'remote' ? '-' : gb(worker.scheduledGb),
    String(worker.hangs),
    // Only workers a route may try have a circuit breaker.
    worker.circuit ? worker.circuit.state : '-',
    worker.aliases.join(', ') || '-',
  ]);
  const problems = status.workers
    .filter((worker) => worker.lastError)
    .map((worker) => `  ${worker.name}: ${worker.lastError}`);
  return [
    ...renderTable(header, rows),
    '',
    `status ${status.status} · budget ${gb(status.budgetGb)} · used ${gb(status.usedGb)} · machine available ${gb(status.availableGb)}`,
    ...(problems.length > 0 ? ['last errors:', ...problems] : []),
  ].join('\n');
}
