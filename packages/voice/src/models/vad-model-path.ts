import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { VoiceError } from '../errors/index.js';

/**
 * Where the Silero VAD model is: `--model`, else `KLODY_VAD_MODEL`, else
 * `$KLODY_HOME/voice/models/silero_vad.onnx`, else (in a Klody checkout) the shared test data copy.
 */
export function vadModelPath(explicit: string | undefined, env: NodeJS.ProcessEnv, from: string): string {
  if (explicit) return explicit;
  if (env.KLODY_VAD_MODEL) return env.KLODY_VAD_MODEL;
  const home = env.KLODY_HOME ?? join(homedir(), '.klody');
  const candidates = [join(home, 'voice', 'models', 'silero_vad.onnx')];
  let folder = resolve(from);
  for (;;) {
    if (existsSync(join(folder, 'pnpm-workspace.yaml'))) {
      candidates.push(join(folder, '..', 'shared', 'data', 'models', 'silero-vad', 'silero_vad.onnx'));
      break;
    }
    const parent = dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new VoiceError(
      'engine_unavailable',
      `no Silero VAD model found: pass --model silero_vad.onnx or set KLODY_VAD_MODEL (looked in ${candidates.join(', ')})`,
    );
  }
  return found;
}
