// Linux memory, measured: PSS (proportional set size: shared pages split among their users, so a
// worker tree's figures add up honestly) from /proc/<pid>/smaps_rollup, summed over the worker's
// process tree; and MemAvailable from /proc/meminfo (what the kernel can give without swapping).
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

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

function addChild(children: Map<number, number[]>, parent: number | null, pid: number): void {
  if (parent === null) return;
  const list = children.get(parent) ?? [];
  list.push(pid);
  children.set(parent, list);
}

/** The root and every process below it in a parent → children map. */
function descendants(rootPid: number, children: ReadonlyMap<number, number[]>): number[] {
  const tree: number[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

// Everything below reads /proc asynchronously: a smaps_rollup of a process mapping tens of GiB makes
// the kernel walk its page tables for milliseconds, which must not stall the gateway's event loop.

/** The pid and all its descendants, from one scan of /proc. */
export async function processTree(rootPid: number, procRoot = '/proc'): Promise<number[]> {
  const children = new Map<number, number[]>();
  const entries = (await readdir(procRoot)).filter((entry) => /^\d+$/.test(entry));
  await Promise.all(
    entries.map(async (entry) => {
      try {
        addChild(
          children,
          parseStatParent(await readFile(`${procRoot}/${entry}/stat`, 'utf8')),
          Number(entry),
        );
      } catch {
        // the process ended during the scan
      }
    }),
  );
  return descendants(rootPid, children);
}

/** The same tree, read synchronously: for start-up checks (adoption), never on the serving path. */
export function processTreeSync(rootPid: number, procRoot = '/proc'): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      addChild(children, parseStatParent(readFileSync(`${procRoot}/${entry}/stat`, 'utf8')), Number(entry));
    } catch {
      // the process ended during the scan
    }
  }
  return descendants(rootPid, children);
}

/** PSS of a process tree in bytes; null when the root cannot be read (gone, or no permission). */
export async function linuxTreePssBytes(rootPid: number, procRoot = '/proc'): Promise<number | null> {
  const tree = await processTree(rootPid, procRoot);
  const figures = await Promise.all(
    tree.map(async (pid) => {
      try {
        return parseSmapsRollupPss(await readFile(`${procRoot}/${pid}/smaps_rollup`, 'utf8'));
      } catch {
        return null; // a child that ended meanwhile
      }
    }),
  );
  if (figures[0] === null || figures[0] === undefined) return null;
  return figures.reduce<number>((sum, figure) => sum + (figure ?? 0), 0);
}

export async function linuxAvailableBytes(procRoot = '/proc'): Promise<number | null> {
  try {
    return parseMeminfo(await readFile(`${procRoot}/meminfo`, 'utf8')).availableBytes;
  } catch {
    return null;
  }
}

export const bytesToGib = (bytes: number) => bytes / GIB;
