// Whether a process (or one of its descendants) listens on a TCP port, from /proc on Linux: the
// sockets in LISTEN state on that port (/proc/net/tcp and tcp6) are matched by inode against the
// processes' open file descriptors. Adoption relies on it: a recorded PID that is alive but does not
// own the port is not our worker (the PID was reused) and is left alone.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { processTreeSync } from '../system-memory/index.js';

const LISTEN = '0A';

/** Inodes of sockets listening on `port` in one /proc/net/tcp* table. */
export function parseListeningInodes(table: string, port: number): Set<string> {
  const inodes = new Set<string>();
  for (const line of table.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const state = fields[3];
    const inode = fields[9];
    if (!local || state !== LISTEN || !inode) continue;
    const portHex = local.slice(local.lastIndexOf(':') + 1);
    if (Number.parseInt(portHex, 16) === port) inodes.add(inode);
  }
  return inodes;
}

/** True/false on Linux; null where /proc cannot tell (another OS, or no permission). */
export function isListeningOnPort(pid: number, port: number, procRoot = '/proc'): boolean | null {
  let inodes: Set<string>;
  try {
    inodes = new Set<string>();
    for (const table of ['tcp', 'tcp6']) {
      try {
        for (const inode of parseListeningInodes(readFileSync(`${procRoot}/net/${table}`, 'utf8'), port))
          inodes.add(inode);
      } catch {
        // no IPv6 table
      }
    }
    readdirSync(`${procRoot}/${pid}/fd`);
  } catch {
    return null;
  }
  if (inodes.size === 0) return false;
  for (const member of processTreeSync(pid, procRoot)) {
    let descriptors: string[];
    try {
      descriptors = readdirSync(`${procRoot}/${member}/fd`);
    } catch {
      continue;
    }
    for (const descriptor of descriptors) {
      try {
        const target = readlinkSync(`${procRoot}/${member}/fd/${descriptor}`);
        const match = /^socket:\[(\d+)\]$/.exec(target);
        if (match?.[1] && inodes.has(match[1])) return true;
      } catch {
        // closed meanwhile
      }
    }
  }
  return false;
}

/** The kernel's start time of a process (clock ticks since boot), to tell a reused PID apart. */
export function processStartTime(pid: number, procRoot = '/proc'): string | null {
  try {
    const stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // field 22 of stat; fields here start at field 3
  } catch {
    return null;
  }
}
