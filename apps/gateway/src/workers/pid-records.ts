// PID records under $KLODY_HOME/gateway/run/: one JSON file per managed worker, written when it is
// spawned and removed when it is stopped, so that a restarted gateway can adopt what still runs.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const pidRecordSchema = z.object({
  name: z.string(),
  pid: z.number().int().positive(),
  port: z.number().int(),
  command: z.string(),
  args: z.array(z.string()),
  /** Kernel start time of the process (Linux), to refuse adopting a reused PID. */
  startTime: z.string().nullable(),
  startedAt: z.number(),
  logFile: z.string(),
  /**
   * The secret this spawn was given (KLODY_WORKER_KEY): a restarted gateway needs it to talk to the
   * worker it adopts. Records written before keys existed have none.
   */
  workerKey: z.string().nullable().default(null),
});
export type PidRecord = z.output<typeof pidRecordSchema>;

export class PidRecords {
  constructor(readonly directory: string) {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  }

  private path(name: string): string {
    return join(this.directory, `${name}.json`);
  }

  write(record: z.input<typeof pidRecordSchema>): void {
    // Written whole then renamed: a crash mid-write never leaves half a record.
    const temporary = `${this.path(record.name)}.${process.pid}.tmp`;
    // Owner-only: the record holds the worker's key.
    writeFileSync(temporary, `${JSON.stringify(pidRecordSchema.parse(record), null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path(record.name));
  }

  read(name: string): PidRecord | null {
    try {
      const parsed = pidRecordSchema.safeParse(JSON.parse(readFileSync(this.path(name), 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  remove(name: string): void {
    rmSync(this.path(name), { force: true });
  }

  list(): PidRecord[] {
    return readdirSync(this.directory)
      .filter((file) => file.endsWith('.json'))
      .map((file) => this.read(file.slice(0, -'.json'.length)))
      .filter((record): record is PidRecord => record !== null);
  }
}
