import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createSystemMemoryProbe,
  linuxTreePssBytes,
  parseFootprint,
  parseMeminfo,
  parseNvidiaSmiComputeApps,
  parseSize,
  parseSmapsRollupPss,
  parseStatParent,
  parseVmmapSummary,
  parseVmStat,
  processTree,
} from './index.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const GIB = 1024 ** 3;

describe('macOS parsers (captured outputs)', () => {
  it('reads the footprint of a process', () => {
    expect(parseFootprint(fixture('footprint.txt'))).toBe(40 * GIB);
  });
  it('reads the physical footprint of vmmap -summary, not the peak', () => {
    expect(parseVmmapSummary(fixture('vmmap-summary.txt'))).toBe(Math.round(39.6 * GIB));
    // Small processes print kibibytes, with the same header layout.
    expect(parseVmmapSummary('Physical footprint:         2192K\nPhysical footprint (peak):  2320K\n')).toBe(
      2192 * 1024,
    );
  });
  it('reads footprint in bytes (--format bytes) and in MB', () => {
    const header = '======================================================================\n';
    expect(
      parseFootprint(
        `${header}MyApp [103]: 64-bit    Footprint: 253904480 B (16384 bytes per page)\n${header}`,
      ),
    ).toBe(253904480);
    expect(
      parseFootprint(
        `${header}Asterism [812]: 64-bit    Footprint: 6939 MB (16384 bytes per page)\n${header}`,
      ),
    ).toBe(6939 * 1024 ** 2);
  });
  it('adds free, inactive, speculative and purgeable pages of vm_stat', () => {
    expect(parseVmStat(fixture('vm-stat.txt'))).toBe((12345 + 2100000 + 10000 + 2000) * 16384);
    expect(parseVmStat('garbage')).toBeNull();
  });
  it('parses sizes with units', () => {
    expect(parseSize('812M')).toBe(812 * 1024 ** 2);
    expect(parseSize('1,024 KB')).toBe(1024 * 1024);
    expect(parseSize('lots')).toBeNull();
  });
});

describe('nvidia-smi parser (captured output)', () => {
  it('sums a process over GPUs and skips N/A lines', () => {
    const usage = parseNvidiaSmiComputeApps(fixture('nvidia-smi-compute-apps.txt'));
    expect(usage.get(4242)).toBe((20480 + 18944) * 1024 * 1024);
    expect(usage.get(5150)).toBe(512 * 1024 * 1024);
    expect(usage.has(7001)).toBe(false);
  });
  it('adds GPU memory to a tree measured on Linux when nvidia-smi answers', async () => {
    const probe = createSystemMemoryProbe({
      platform: 'linux',
      run: async () => `${process.pid}, 100\n`,
    });
    const withGpu = await probe.processTreeBytes(process.pid);
    const ramOnly = await linuxTreePssBytes(process.pid);
    expect(withGpu).not.toBeNull();
    expect(ramOnly).not.toBeNull();
    expect((withGpu as number) - (ramOnly as number)).toBeGreaterThan(90 * 1024 * 1024);
  });
});

describe('Linux /proc', () => {
  it('parses smaps_rollup, meminfo and stat', () => {
    expect(parseSmapsRollupPss(fixture('smaps-rollup.txt'))).toBe(74108 * 1024);
    expect(parseMeminfo('MemTotal:       24000000 kB\nMemFree: 1 kB\nMemAvailable:   12000000 kB\n')).toEqual(
      {
        availableBytes: 12000000 * 1024,
        totalBytes: 24000000 * 1024,
      },
    );
    expect(parseStatParent('1234 (node (worker) x) S 99 1234 1234 0 -1')).toBe(99);
  });

  it('measures the PSS of a real process tree, children included', async () => {
    // A parent that starts a child holding ~64 MiB: the tree's figure must include it.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process');
         spawn(process.execPath, ['-e', 'const b = Buffer.alloc(64 * 1024 * 1024, 1); console.log("ready"); setInterval(() => b[0]++, 1000)'], { stdio: ['ignore', 'inherit', 'inherit'] });
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => parent.stdout?.once('data', () => resolve()));
      const pid = parent.pid as number;
      expect((await processTree(pid)).length).toBe(2);
      const probe = createSystemMemoryProbe({
        platform: 'linux',
        run: async () => Promise.reject(new Error('no nvidia-smi')),
      });
      const tree = (await probe.processTreeBytes(pid)) as number;
      expect(tree).toBeGreaterThan(64 * 1024 * 1024);
      expect(await probe.availableBytes()).toBeGreaterThan(0);
    } finally {
      for (const pid of (await processTree(parent.pid as number)).reverse()) process.kill(pid, 'SIGKILL');
    }
  });
});
