// Integrated loudness (ITU-R BS.1770-4 / EBU R128) measured piece by piece, so that a chapter of
// a hundred minutes never has to be held in memory as one Float32Array. The K-weighting filters are
// @klody/voice's (the same coefficients as its whole-buffer `integratedLoudness`); their state carries
// over from one piece to the next, so the result is the whole-buffer one to rounding.
import { kWeightingFilters } from '@klody/voice';

interface FilterState {
  x1: number;
  x2: number;
  y1: number;
  y2: number;
}

export interface LoudnessMeter {
  /** Feeds the next samples of the (mono) signal. */
  add(samples: Float32Array): void;
  /** Gated integrated loudness (LUFS) of everything fed; null for silence or under 400 ms. */
  integratedLufs(): number | null;
  /** Highest absolute sample seen (linear, 0 for silence). */
  samplePeak(): number;
  /** Mean squares of the 400 ms blocks so far (K-weighted), before gating. */
  blockPowers(): number[];
  /** Samples fed so far. */
  readonly length: number;
}

const absoluteGate = -70;
const relativeGate = -10;

const loudnessOf = (power: number) => -0.691 + 10 * Math.log10(power);

/**
 * BS.1770-4 gating of 400 ms block powers: blocks under -70 LUFS out, then blocks more than 10 LU under
 * the mean of the rest out; the loudness of the mean of what is left. Blocks of several pieces of a
 * signal may be gated together (a sample of a long file).
 */
export function gatedLoudness(powers: readonly number[]): number | null {
  const aboveAbsolute = powers.filter((power) => power > 0 && loudnessOf(power) > absoluteGate);
  if (aboveAbsolute.length === 0) return null;
  const threshold =
    loudnessOf(aboveAbsolute.reduce((sum, power) => sum + power, 0) / aboveAbsolute.length) + relativeGate;
  const gated = aboveAbsolute.filter((power) => loudnessOf(power) > threshold);
  if (gated.length === 0) return null;
  return loudnessOf(gated.reduce((sum, power) => sum + power, 0) / gated.length);
}

/**
 * A meter for one mono signal at `sampleRate`. Energies are summed per 100 ms step; a 400 ms block is
 * four consecutive steps (75 % overlap, as the standard has it).
 */
export function createLoudnessMeter(sampleRate: number): LoudnessMeter {
  const [shelf, highPass] = kWeightingFilters(sampleRate);
  const step = Math.round(0.1 * sampleRate);
  const shelfState: FilterState = { x1: 0, x2: 0, y1: 0, y2: 0 };
  const highPassState: FilterState = { x1: 0, x2: 0, y1: 0, y2: 0 };
  // One sum of squared K-weighted samples per completed step; grows by 10 entries a second of audio.
  let stepEnergies = new Float64Array(1024);
  let completedSteps = 0;
  let currentEnergy = 0;
  let currentCount = 0;
  let peak = 0;
  let length = 0;

  const pushStep = (energy: number) => {
    if (completedSteps === stepEnergies.length) {
      const grown = new Float64Array(stepEnergies.length * 2);
      grown.set(stepEnergies);
      stepEnergies = grown;
    }
    stepEnergies[completedSteps] = energy;
    completedSteps += 1;
  };

  const blockPowers = () => {
    const blockLength = 4 * step;
    const powers: number[] = [];
    for (let first = 0; first + 4 <= completedSteps; first += 1) {
      const energy =
        (stepEnergies[first] ?? 0) +
        (stepEnergies[first + 1] ?? 0) +
        (stepEnergies[first + 2] ?? 0) +
        (stepEnergies[first + 3] ?? 0);
      powers.push(energy / blockLength);
    }
    return powers;
  };

  return {
    get length() {
      return length;
    },
    add(samples) {
      // Coefficients and state in locals: this loop runs over every sample of a chapter, several times.
      const { b0: s0, b1: s1, b2: s2, a1: sa1, a2: sa2 } = shelf;
      const { b0: h0, b1: h1, b2: h2, a1: ha1, a2: ha2 } = highPass;
      let { x1: sx1, x2: sx2, y1: sy1, y2: sy2 } = shelfState;
      let { x1: hx1, x2: hx2, y1: hy1, y2: hy2 } = highPassState;
      let energy = currentEnergy;
      let count = currentCount;
      let highest = peak;
      const total = samples.length;
      for (let index = 0; index < total; index += 1) {
        const x = samples[index] as number;
        const magnitude = x < 0 ? -x : x;
        if (magnitude > highest) highest = magnitude;
        const shelved = s0 * x + s1 * sx1 + s2 * sx2 - sa1 * sy1 - sa2 * sy2;
        sx2 = sx1;
        sx1 = x;
        sy2 = sy1;
        sy1 = shelved;
        const weighted = h0 * shelved + h1 * hx1 + h2 * hx2 - ha1 * hy1 - ha2 * hy2;
        hx2 = hx1;
        hx1 = shelved;
        hy2 = hy1;
        hy1 = weighted;
        energy += weighted * weighted;
        count += 1;
        if (count === step) {
          pushStep(energy);
          energy = 0;
          count = 0;
        }
      }
      currentEnergy = energy;
      currentCount = count;
      peak = highest;
      Object.assign(shelfState, { x1: sx1, x2: sx2, y1: sy1, y2: sy2 });
      Object.assign(highPassState, { x1: hx1, x2: hx2, y1: hy1, y2: hy2 });
      length += total;
    },
    integratedLufs() {
      return gatedLoudness(blockPowers());
    },
    blockPowers,
    samplePeak: () => peak,
  };
}
