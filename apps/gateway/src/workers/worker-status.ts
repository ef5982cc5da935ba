// The status report: a row per worker for /admin/status, /health and the CLI's table, and the memory
// summary. A retired worker is listed while its process still runs.
import type { WorkerStatus } from '@klody/gateway-client/schemas';
import { isRemote } from '../registry/index.js';
import { plannedGb, usedGb } from './scheduling-view.js';
import { urlOf, type WorkerTable } from './worker-table.js';

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

export function workerStatus(table: WorkerTable): WorkerStatus[] {
  const list: WorkerStatus[] = [];
  for (const entry of table.all()) {
    if (table.isRetired(entry) && entry.pid === null) continue;
    const config = entry.config;
    list.push({
      name: entry.key,
      aliases: config.aliases,
      kind: config.kind,
      state: entry.state,
      pid: entry.pid,
      adopted: entry.adopted,
      pinned: isRemote(config) ? false : config.pinned,
      inflight: entry.inflight,
      queued: entry.queued,
      slots: config.slots,
      lastUsed: entry.lastUsed === null ? null : entry.lastUsed / 1000,
      estimatedGb: isRemote(config) ? 0 : config.estimatedGb,
      measuredGb: entry.measuredGb === null ? null : round4(entry.measuredGb),
      scheduledGb: round4(plannedGb(entry, table.budgetGb)),
      url: urlOf(config),
      requests: entry.requests,
      starts: entry.starts,
      hangs: entry.hangs,
      lastError: entry.lastError,
    });
  }
  return list;
}

export function workerSummary(table: WorkerTable): {
  usedGb: number;
  budgetGb: number;
  evictions: Record<string, number>;
} {
  const evictions: Record<string, number> = {};
  for (const entry of table.all()) evictions[entry.key] = entry.evictions;
  return { usedGb: round4(usedGb(table.all())), budgetGb: table.budgetGb, evictions };
}
