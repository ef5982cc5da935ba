// Memory of the engine processes this process started, read from Linux's /proc: VmRSS (resident now)
// and VmHWM (the highest resident size the process reached). Elsewhere nothing is measured (null).
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessMemory {
  pid: number;
  /** The command line, arguments joined by spaces. */
  command: string;
  residentBytes: number;
  peakResidentBytes: number;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // the process ended between the listing and the read
  }
}

/** VmRSS and VmHWM of one process (`/proc/<pid>/status`, in kB there); null when it is gone. */
export function readProcessMemory(pid: number): { residentBytes: number; peakResidentBytes: number } | null {
  const status = readText(`/proc/${pid}/status`);
  if (!status) return null;
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : null;
  };
  const resident = field('VmRSS');
  if (resident === null) return null; // a zombie has no memory lines
  return { residentBytes: resident, peakResidentBytes: field('VmHWM') ?? resident };
}

function parentOf(pid: number): number | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name in parentheses may hold spaces and parentheses: the fields follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const parent = Number(fields[1]);
  return Number.isInteger(parent) ? parent : null;
}

/**
 * The descendants of `root` (default: this process) whose command line contains `commandPart`, with
 * their memory. Scans /proc once; empty where there is no /proc.
 */
export function descendantMemory(commandPart: string, root = process.pid): ProcessMemory[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const parent = parentOf(pid);
    if (parent === null) continue;
    const siblings = children.get(parent) ?? [];
    siblings.push(pid);
    children.set(parent, siblings);
  }
  const found: ProcessMemory[] = [];
  const pending = [...(children.get(root) ?? [])];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    pending.push(...(children.get(pid) ?? []));
    const command = (readText(`/proc/${pid}/cmdline`) ?? '').split('\0').join(' ').trim();
    if (!command.includes(commandPart)) continue;
    const memory = readProcessMemory(pid);
    if (memory) found.push({ pid, command, ...memory });
  }
  return found;
}
