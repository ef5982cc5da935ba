// `klody-gateway stop [--workers]`: stops the gateway recorded in $KLODY_HOME/gateway/gateway.pid
// (its workers keep running, for adoption); with --workers, also the worker processes recorded in
// run/, each checked to be the recorded process (same start time) before it is signalled.
import { rmSync } from 'node:fs';
import { isProcessAlive, signalProcess, stopProcessGroup } from '@klody/service/process';
import { gatewayHome, readLiveGateway } from '../server/index.js';
import { PidRecords, processStartTime } from '../workers/index.js';

/** SIGTERM, SIGKILL after the grace; true when it is gone. */
function terminate(pid: number, group: boolean, graceMs: number): Promise<boolean> {
  return stopProcessGroup(pid, {
    graceMs,
    pollMs: 50,
    // A worker leads its own group (its children go with it). The gateway may share the group of
    // whatever started it (a shell's job): only its own process is signalled and watched.
    ...(group ? {} : { signal: signalProcess, isAlive: isProcessAlive }),
  });
}

export interface StopReport {
  gateway: 'stopped' | 'not_running' | 'survived';
  workersStopped: string[];
  workersFailed: string[];
}

export async function stopGateway(options: {
  workers: boolean;
  environment?: Record<string, string | undefined>;
}): Promise<StopReport> {
  const home = gatewayHome(options.environment);
  const report: StopReport = { gateway: 'not_running', workersStopped: [], workersFailed: [] };
  const gateway = readLiveGateway(home.pidFile);
  if (gateway) {
    report.gateway = (await terminate(gateway.pid, false, 10_000)) ? 'stopped' : 'survived';
    if (report.gateway === 'stopped') rmSync(home.pidFile, { force: true });
  }
  if (options.workers) {
    const records = new PidRecords(home.run);
    for (const record of records.list()) {
      const alive = isProcessAlive(record.pid);
      const same =
        record.startTime === null ||
        processStartTime(record.pid) === null ||
        processStartTime(record.pid) === record.startTime;
      if (!alive || !same) {
        records.remove(record.name); // gone, or the PID belongs to someone else now: never signalled
        continue;
      }
      if (await terminate(record.pid, true, 10_000)) {
        records.remove(record.name);
        report.workersStopped.push(record.name);
      } else {
        report.workersFailed.push(record.name);
      }
    }
  }
  return report;
}
