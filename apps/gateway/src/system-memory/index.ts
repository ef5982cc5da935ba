export {
  bytesToGib,
  linuxAvailableBytes,
  linuxTreePssBytes,
  parseMeminfo,
  parseSmapsRollupPss,
  parseStatParent,
  processTree,
  processTreeSync,
} from './linux-memory.js';
export { parseFootprint, parseSize, parseVmmapSummary, parseVmStat } from './macos-memory.js';
export { createSystemMemoryProbe, type MemoryProbe } from './memory-probe.js';
export { nvidiaSmiArguments, parseNvidiaSmiComputeApps } from './nvidia-smi.js';
