import { readdirSync, readFileSync } from 'node:fs';

/** A number `kill` reads as one process (0 and negative numbers name process groups). */
export const isPid = (pid: number): boolean => Number.isInteger(pid) && pid > 0;

/**
 * Whether a process is alive. A zombie (exited, not yet waited for by its parent) counts as dead: it
 * holds no memory and no port, and `kill(pid, 0)` alone would call it alive. A process this one may
 * not signal (EPERM) exists, so it counts as alive.
 */
export function isProcessAlive(pid: number): boolean {
  if (!isPid(pid)) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return readStat(pid)?.state !== 'Z';
}

/**
 * Whether anything is left of the process group that `pid` leads: a group outlives its leader while
 * a process the leader started still runs, and zombies count as dead here too (an init that does not
 * reap orphans would otherwise keep a group "alive" for ever). When there is no such group (the
 * process does not lead one, or left it), the process alone is looked at.
 */
export function isProcessGroupAlive(pid: number): boolean {
  if (!isPid(pid)) return false;
  try {
    process.kill(-pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' || isProcessAlive(pid);
  }
  // The group exists: a live leader settles it (the common case, one syscall); otherwise its members are looked for.
  return isProcessAlive(pid) || hasLiveMember(pid);
}

interface ProcessStat {
  state: string;
  group: number;
}

/** Linux's /proc/<pid>/stat: "pid (comm) state ppid pgrp …" (comm may hold spaces and ')'). Null elsewhere. */
function readStat(pid: number): ProcessStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state = '', , group = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, group: Number(group) };
  } catch {
    return null;
  }
}

function hasLiveMember(group: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true; // no /proc (macOS): that the group exists is all there is to know
  }
  return entries.some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    const stat = readStat(Number(entry));
    return stat !== null && stat.group === group && stat.state !== 'Z';
  });
}
