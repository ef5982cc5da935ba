// Linux memory, measured: PSS (proportional set size: shared pages split among their users, so a
// worker tree's figures add up honestly) from /proc/<pid>/smaps_rollup, summed over the worker's
// process tree; and MemAvailable from /proc/meminfo (what the kernel can give without swapping).
import { readdirSync, readFileSync } from 'node:fs';

const GIB = 1024 ** 3;

/** Parses `/proc/meminfo`: MemAvailable and MemTotal in bytes. */
export function parseMeminfo(text: string): { availableBytes: number | null; totalBytes: number | null } {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : null;
  };
  return { availableBytes: field('MemAvailable'), totalBytes: field('MemTotal') };
}

/** Parses `/proc/<pid>/smaps_rollup`: the Pss line in bytes, null when absent. */
export function parseSmapsRollupPss(text: string): number | null {
  const match = /^Pss:\s+(\d+)\s*kB/m.exec(text);
  return match ? Number(match[1]) * 1024 : null;
}

/** Parses `/proc/<pid>/stat` for the parent pid (the comm field may contain spaces and parentheses). */
export function parseStatParent(text: string): number | null {
  const end = text.lastIndexOf(')');
  if (end < 0) return null;
  const fields = text.slice(end + 2).split(' ');
  const parent = Number(fields[1]);
  return Number.isInteger(parent) ? parent : null;
}

/** The pid and all its descendants, from one scan of /proc. */
export function processTree(rootPid: number, procRoot = '/proc'): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = parseStatParent(readFileSync(`${procRoot}/${entry}/stat`, 'utf8'));
      if (parent === null) continue;
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    } catch {
      // the process ended during the scan
    }
  }
  const tree: number[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** PSS of a process tree in bytes; null when the root cannot be read (gone, or no permission). */
export function linuxTreePssBytes(rootPid: number, procRoot = '/proc'): number | null {
  let total = 0;
  let readRoot = false;
  for (const pid of processTree(rootPid, procRoot)) {
    try {
      const pss = parseSmapsRollupPss(readFileSync(`${procRoot}/${pid}/smaps_rollup`, 'utf8'));
      if (pss !== null) {
        total += pss;
        if (pid === rootPid) readRoot = true;
      }
    } catch {
      // a child that ended meanwhile
    }
  }
  return readRoot ? total : null;
}

export function linuxAvailableBytes(procRoot = '/proc'): number | null {
  try {
    return parseMeminfo(readFileSync(`${procRoot}/meminfo`, 'utf8')).availableBytes;
  } catch {
    return null;
  }
}

export const bytesToGib = (bytes: number) => bytes / GIB;
