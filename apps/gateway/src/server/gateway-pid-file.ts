// $KLODY_HOME/gateway/gateway.pid: which gateway runs for this KLODY_HOME. It carries the process's
// kernel start time, so that a stale file whose PID was reused by another program is recognised and
// that program is never signalled.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isProcessAlive } from '@klody/service/process';
import { processStartTime } from '../workers/index.js';

export interface GatewayPidRecord {
  pid: number;
  url: string;
  config: string | null;
  startTime: string | null;
}

export function writeGatewayPidFile(path: string, record: Omit<GatewayPidRecord, 'startTime'>): void {
  writeFileSync(path, `${JSON.stringify({ ...record, startTime: processStartTime(record.pid) })}\n`);
}

/** The recorded gateway if it is still that same process and alive; null otherwise (a stale file is removed). */
export function readLiveGateway(path: string): GatewayPidRecord | null {
  let record: GatewayPidRecord;
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as GatewayPidRecord;
  } catch {
    return null;
  }
  const startTime = processStartTime(record.pid);
  const same = record.startTime === null || startTime === null || startTime === record.startTime;
  if (!Number.isInteger(record.pid) || !isProcessAlive(record.pid) || !same) {
    rmSync(path, { force: true });
    return null;
  }
  return record;
}
