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
  /** Samples fed so far. */
  readonly length: number;
}

const absoluteGate = -70;
const relativeGate = -10;

const loudnessOf = (power: number) => -0.691 + 10 * Math.log10(power);

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

  return {
    get length() {
      return length;
    },
    add(samples) {
      let { x1: sx1, x2: sx2, y1: sy1, y2: sy2 } = shelfState;
      let { x1: hx1, x2: hx2, y1: hy1, y2: hy2 } = highPassState;
      for (let index = 0; index < samples.length; index += 1) {
        const x = samples[index] ?? 0;
        const magnitude = x < 0 ? -x : x;
        if (magnitude > peak) peak = magnitude;
        const shelved = shelf.b0 * x + shelf.b1 * sx1 + shelf.b2 * sx2 - shelf.a1 * sy1 - shelf.a2 * sy2;
        sx2 = sx1;
        sx1 = x;
        sy2 = sy1;
        sy1 = shelved;
        const weighted =
          highPass.b0 * shelved +
          highPass.b1 * hx1 +
          highPass.b2 * hx2 -
          highPass.a1 * hy1 -
          highPass.a2 * hy2;
        hx2 = hx1;
        hx1 = shelved;
        hy2 = hy1;
        hy1 = weighted;
        currentEnergy += weighted * weighted;
        currentCount += 1;
        if (currentCount === step) {
          pushStep(currentEnergy);
          currentEnergy = 0;
          currentCount = 0;
        }
      }
      Object.assign(shelfState, { x1: sx1, x2: sx2, y1: sy1, y2: sy2 });
      Object.assign(highPassState, { x1: hx1, x2: hx2, y1: hy1, y2: hy2 });
      length += samples.length;
    },
    integratedLufs() {
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
      const aboveAbsolute = powers.filter((power) => power > 0 && loudnessOf(power) > absoluteGate);
      if (aboveAbsolute.length === 0) return null;
      const threshold =
        loudnessOf(aboveAbsolute.reduce((sum, power) => sum + power, 0) / aboveAbsolute.length) +
        relativeGate;
      const gated = aboveAbsolute.filter((power) => loudnessOf(power) > threshold);
      if (gated.length === 0) return null;
      return loudnessOf(gated.reduce((sum, power) => sum + power, 0) / gated.length);
    },
    samplePeak: () => peak,
  };
}
