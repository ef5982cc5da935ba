import type { StatusResponse, WorkerStatus } from '@klody/gateway-client/schemas';
import { describe, expect, it } from 'vitest';
import { renderStatusTable } from './status-table.js';

function worker(name: string, extra: Partial<WorkerStatus> = {}): WorkerStatus {
  return {
    name,
    aliases: [`${name}-alias`],
    kind: 'chat',
    state: 'ready',
    pid: 4242,
    adopted: false,
    pinned: false,
    inflight: 1,
    queued: 0,
    slots: 2,
    lastUsed: 1_000,
    estimatedGb: 0.5,
    measuredGb: 0.25,
    scheduledGb: 0.25,
    url: 'http://127.0.0.1:9000',
    requests: 3,
    starts: 1,
    hangs: 0,
    lastError: null,
    ...extra,
  };
}

describe('the status table', () => {
  it('shows each worker’s hangs and, for the workers a route may try, its circuit', () => {
    const status: StatusResponse = {
      status: 'degraded',
      budgetGb: 4,
      usedGb: 0.25,
      availableGb: 10,
      workers: [
        worker('solo'),
        worker('replica', {
          hangs: 2,
          lastError: 'worker hung since 2026-12-01T06:00:00.000Z',
          circuit: { state: 'open', failures: 0, opens: 1, retryAt: 1_030 },
        }),
      ],
    };
    const lines = renderStatusTable(status, 1_010).split('\n');
    const header = lines[0] as string;
    expect(header).toMatch(/HANGS\s+CIRCUIT\s+ALIASES/);
    const column = (name: string) => header.indexOf(name);
    // Each of these cells is one word, starting under its header.
    const cell = (line: string, name: string) => line.slice(column(name)).split(/\s+/)[0] ?? '';
    const solo = lines.find((line) => line.startsWith('solo')) as string;
    const replica = lines.find((line) => line.startsWith('replica')) as string;
    expect(cell(solo, 'HANGS')).toBe('0');
    expect(cell(solo, 'CIRCUIT')).toBe('-');
    expect(cell(replica, 'HANGS')).toBe('2');
    expect(cell(replica, 'CIRCUIT')).toBe('open');
    expect(lines).toContain('  replica: worker hung since 2026-12-01T06:00:00.000Z');
  });
});
