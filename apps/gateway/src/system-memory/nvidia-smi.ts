// GPU memory per process through nvidia-smi, where present:
// `nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits` prints one line per
// process and GPU, memory in MiB. A process on two GPUs appears twice: the figures add up.

export const nvidiaSmiArguments = ['--query-compute-apps=pid,used_memory', '--format=csv,noheader,nounits'];

/** Bytes of GPU memory per pid. Lines that do not parse ("[N/A]", "[Not Supported]") are skipped. */
export function parseNvidiaSmiComputeApps(text: string): Map<number, number> {
  const usage = new Map<number, number>();
  for (const line of text.split(/\r?\n/)) {
    const [pidText, memoryText] = line.split(',').map((part) => part.trim());
    if (!pidText || !memoryText) continue;
    const pid = Number(pidText);
    const mebibytes = Number(memoryText.replace(/\s*MiB$/i, ''));
    if (!Number.isInteger(pid) || !Number.isFinite(mebibytes)) continue;
    usage.set(pid, (usage.get(pid) ?? 0) + mebibytes * 1024 * 1024);
  }
  return usage;
}
