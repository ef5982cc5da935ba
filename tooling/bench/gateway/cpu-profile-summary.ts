// Summarises a V8 CPU profile (`node --cpu-prof`, e.g. the gateway's under relay-bench.ts --cpu-prof DIR):
// self time by area (the gateway's code, @klody/service, Hono, Node's HTTP internals, the logger…), the
// functions with the most self time, and the inclusive time of the functions that take the most,
// each as a share of the busy (non-idle) time. Run from the repository root:
//   pnpm exec tsx tooling/bench/gateway/cpu-profile-summary.ts PROFILE.cpuprofile [--top 30]
//     [--requests N] [--focus REGEX]…
// --requests adds each figure per request (µs), for a profile of N requests; each --focus adds a row:
// the time of the samples with a function matching REGEX (on `name file:line`) anywhere in their stack.
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: cpu-profile-summary.ts PROFILE.cpuprofile [--top N]\n');
  process.exit(2);
}
const topIndex = process.argv.indexOf('--top');
const top = topIndex === -1 ? 30 : Number(process.argv[topIndex + 1]);
function option(name: string): string | null {
  const index = process.argv.indexOf(name);
  return index === -1 ? null : (process.argv[index + 1] ?? null);
}
const requests = Number(option('--requests') ?? 0);
const focusSources = process.argv.filter((_, index) => process.argv[index - 1] === '--focus');
const focus = focusSources.map((source) => new RegExp(source));
const focusUs = focus.map(() => 0);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

/** Where a frame's code lives, in the words of this benchmark. */
function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native/builtin)';
  if (url.startsWith('node:')) {
    if (/node:_http|node:http|node:net|node:stream|node:internal\/(http|streams|stream_base|net)/.test(url))
      return 'node: http, net, streams';
    return 'node: other';
  }
  if (url.includes('/apps/gateway/')) return 'gateway';
  if (url.includes('/packages/service/')) return '@klody/service';
  if (url.includes('/@hono/node-server/')) return '@hono/node-server';
  if (url.includes('/hono/')) return 'hono';
  if (url.includes('/pino')) return 'pino (logs)';
  if (url.includes('/zod/')) return 'zod';
  if (url.includes('/tsx/') || url.includes('/esbuild/')) return 'tsx (loading sources)';
  return 'other packages';
}

function keyOf(frame: CallFrame): string {
  const where = frame.url.replace(/^file:\/\/.*?\/(node_modules\/\.pnpm\/|apps\/|packages\/)/, '$1');
  return `${frame.functionName || '(anonymous)'} ${where}:${frame.lineNumber + 1}`;
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const areas = new Map<string, number>();
let totalUs = 0;
let idleUs = 0;
for (let index = 0; index < profile.samples.length; index++) {
  const delta = profile.timeDeltas[index] ?? 0;
  const node = byId.get(profile.samples[index] as number);
  if (!node) continue;
  totalUs += delta;
  if (node.callFrame.functionName === '(idle)') {
    idleUs += delta;
    continue;
  }
  const key = keyOf(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + delta);
  const area = areaOf(node.callFrame);
  areas.set(area, (areas.get(area) ?? 0) + delta);
  // Inclusive: each function once per sample, however deep it recurses.
  const seen = new Set<string>();
  const matched = focus.map(() => false);
  for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    if (frame.functionName === '(root)') break;
    const frameKey = keyOf(frame);
    if (seen.has(frameKey)) continue;
    seen.add(frameKey);
    focus.forEach((pattern, focusIndex) => {
      if (pattern.test(frameKey)) matched[focusIndex] = true;
    });
    inclusive.set(frameKey, (inclusive.get(frameKey) ?? 0) + delta);
  }
  matched.forEach((hit, focusIndex) => {
    if (hit) focusUs[focusIndex] = (focusUs[focusIndex] ?? 0) + delta;
  });
}
const busyUs = totalUs - idleUs;
const share = (us: number) =>
  `${((us / busyUs) * 100).toFixed(1)} %${requests > 0 ? ` | ${(us / requests).toFixed(1)}` : ''}`;
const perRequestHeader = requests > 0 ? ' µs per request |' : '';
const perRequestRule = requests > 0 ? ' ---: |' : '';
const ms = (us: number) => (us / 1000).toFixed(0);
const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);

const lines = [
  `Profile ${file}: ${ms(totalUs)} ms sampled, ${ms(busyUs)} ms busy (${ms(idleUs)} ms idle).`,
  '',
  `| area (self time) | ms | share of busy |${perRequestHeader}`,
  `| --- | ---: | ---: |${perRequestRule}`,
  ...sorted(areas).map(([area, us]) => `| ${area} | ${ms(us)} | ${share(us)} |`),
  '',
  `| function (self time, top ${top}) | ms | share of busy |${perRequestHeader}`,
  `| --- | ---: | ---: |${perRequestRule}`,
  ...sorted(self)
    .slice(0, top)
    .map(([key, us]) => `| \`${key}\` | ${ms(us)} | ${share(us)} |`),
  '',
  `| function (inclusive time, top ${top}) | ms | share of busy |${perRequestHeader}`,
  `| --- | ---: | ---: |${perRequestRule}`,
  ...sorted(inclusive)
    .slice(0, top)
    .map(([key, us]) => `| \`${key}\` | ${ms(us)} | ${share(us)} |`),
];
if (focus.length > 0) {
  lines.push(
    '',
    `| stack holds (inclusive time) | ms | share of busy |${perRequestHeader}`,
    `| --- | ---: | ---: |${perRequestRule}`,
    ...focus.map((_, index) => {
      const us = focusUs[index] ?? 0;
      return `| \`${focusSources[index]}\` | ${ms(us)} | ${share(us)} |`;
    }),
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
