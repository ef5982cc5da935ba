// macOS memory, parsed from the system tools' output. Metal buffers (where MLX and llama.cpp keep the
// weights on Apple Silicon) are invisible to `ps rss`; `footprint` and `vmmap -summary` report the
// physical footprint that includes them. Unit-tested on captured outputs: we cannot run macOS here.

const units: Record<string, number> = {
  B: 1,
  K: 1024,
  KB: 1024,
  M: 1024 ** 2,
  MB: 1024 ** 2,
  G: 1024 ** 3,
  GB: 1024 ** 3,
  T: 1024 ** 4,
  TB: 1024 ** 4,
};

/** "1.5G", "812M", "40 GB", "123456 KB" → bytes. */
export function parseSize(text: string): number | null {
  const match = /^\s*([\d.,]+)\s*([KMGT]?B?)\s*$/i.exec(text);
  if (!match) return null;
  const value = Number((match[1] ?? '').replace(/,/g, ''));
  const unit = units[(match[2] || 'B').toUpperCase()];
  if (!Number.isFinite(value) || unit === undefined) return null;
  return Math.round(value * unit);
}

/** `footprint -p <pid>` (or `footprint <pid>`): the "Footprint:" line of the process. */
export function parseFootprint(text: string): number | null {
  const match = /^\s*(?:[^\n]*\[\d+\][^\n]*\n)?[\s\S]*?Footprint:\s*([\d.,]+\s*[KMGT]?B)/m.exec(text);
  return match?.[1] ? parseSize(match[1]) : null;
}

/** `vmmap -summary <pid>`: the "Physical footprint:" line (not "(peak)"). */
export function parseVmmapSummary(text: string): number | null {
  const match = /^Physical footprint:\s+([\d.,]+\s*[KMGT]?B?)\s*$/m.exec(text);
  return match?.[1] ? parseSize(match[1]) : null;
}

/**
 * `vm_stat`: available memory as the kernel counts it for new allocations: free + inactive +
 * speculative + purgeable pages (file-backed inactive pages are reclaimable), times the page size
 * printed in its header.
 */
export function parseVmStat(text: string): number | null {
  const pageSize = Number(/page size of (\d+) bytes/.exec(text)?.[1]);
  if (!Number.isFinite(pageSize) || pageSize <= 0) return null;
  const pages = (label: string) => {
    const match = new RegExp(`^${label}:\\s+(\\d+)\\.`, 'm').exec(text);
    return match ? Number(match[1]) : 0;
  };
  const free = pages('Pages free');
  if (!/^Pages free:/m.test(text)) return null;
  return (free + pages('Pages inactive') + pages('Pages speculative') + pages('Pages purgeable')) * pageSize;
}
