import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { linuxAvailableBytes, linuxTreePssBytes, processTree } from './linux-memory.js';
import { parseFootprint, parseVmmapSummary, parseVmStat } from './macos-memory.js';
import { nvidiaSmiArguments, parseNvidiaSmiComputeApps } from './nvidia-smi.js';

const execFileAsync = promisify(execFile);

/** Measured memory: what the scheduler and /admin/reserve trust over the registry's estimates. */
export interface MemoryProbe {
  /** Memory held by a process and its descendants, bytes (RAM, plus GPU memory where measurable). */
  processTreeBytes(pid: number): Promise<number | null>;
  /** Memory the machine can still give, bytes (Linux MemAvailable, macOS vm_stat). */
  availableBytes(): Promise<number | null>;
}

type Run = (command: string, args: readonly string[]) => Promise<string>;

const defaultRun: Run = async (command, args) => {
  const { stdout } = await execFileAsync(command, [...args], { timeout: 5_000, maxBuffer: 4 * 1024 * 1024 });
  return stdout;
};

/** The probe for this machine's platform. `run` is injected so tests can replay captured outputs. */
export function createSystemMemoryProbe(
  options: { platform?: NodeJS.Platform; run?: Run } = {},
): MemoryProbe {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? defaultRun;
  let nvidiaSmi: boolean | null = null; // unknown until first tried

  async function gpuBytes(pids: readonly number[]): Promise<number> {
    if (nvidiaSmi === false) return 0;
    try {
      const usage = parseNvidiaSmiComputeApps(await run('nvidia-smi', nvidiaSmiArguments));
      nvidiaSmi = true;
      return pids.reduce((sum, pid) => sum + (usage.get(pid) ?? 0), 0);
    } catch {
      nvidiaSmi = false; // not installed, or no driver: never asked again
      return 0;
    }
  }

  if (platform === 'linux') {
    return {
      async processTreeBytes(pid) {
        const pss = await linuxTreePssBytes(pid);
        if (pss === null) return null;
        return pss + (await gpuBytes(await processTree(pid)));
      },
      async availableBytes() {
        return linuxAvailableBytes();
      },
    };
  }
  if (platform === 'darwin') {
    return {
      async processTreeBytes(pid) {
        try {
          const footprint = parseFootprint(await run('footprint', ['-p', String(pid)]));
          if (footprint !== null) return footprint;
        } catch {
          // footprint needs a recent macOS; vmmap is older and slower
        }
        try {
          return parseVmmapSummary(await run('vmmap', ['-summary', String(pid)]));
        } catch {
          return null;
        }
      },
      async availableBytes() {
        try {
          return parseVmStat(await run('vm_stat', []));
        } catch {
          return null;
        }
      },
    };
  }
  return { processTreeBytes: async () => null, availableBytes: async () => null };
}
