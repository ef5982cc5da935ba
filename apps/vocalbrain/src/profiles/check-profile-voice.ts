import { ServiceError } from '@klody/service';
import type { EngineSet } from '../engines/engine-set.js';
import { nearMatches } from '../voices/near-matches.js';
import type { VoiceCatalogue } from '../voices/voice-catalogue.js';
import type { ProfileInput } from './profile.js';

/**
 * Checks that a profile names an engine that runs here (a typo would only show when it speaks) and,
 * when it names a voice, one of that engine's voices. A gateway alias (`openai:…`) is taken as it is:
 * the gateway may be down for now. 400 with near matches otherwise.
 */
export async function checkProfileVoice(
  input: ProfileInput,
  dependencies: { engines: EngineSet; voices: VoiceCatalogue },
): Promise<void> {
  if (input.engine.startsWith('openai:')) return;
  const engines = await dependencies.engines.speechEngines();
  const engine = engines.find((candidate) => candidate.id === input.engine);
  if (!engine) {
    const near = nearMatches(
      input.engine,
      engines.map((candidate) => candidate.id),
    );
    throw new ServiceError(
      'invalid_request',
      400,
      `engine: no speech engine "${input.engine}" here (engines: ${engines.map((candidate) => candidate.id).join(', ') || 'none'})${near.length > 0 ? `; did you mean "${near[0]}"?` : ''}`,
    );
  }
  if (!input.voice) return;
  const voices = await dependencies.voices.voicesOf(engine);
  const base = input.voice.split('+')[0] ?? input.voice;
  if (!voices.some((voice) => voice.id.toLowerCase() === base.toLowerCase())) {
    const near = nearMatches(
      base,
      voices.map((voice) => voice.id),
    );
    throw new ServiceError(
      'invalid_request',
      400,
      `voice: ${engine.id} has no voice "${input.voice}"${near.length > 0 ? `; did you mean ${near.map((name) => `"${name}"`).join(', ')}?` : ''}`,
    );
  }
}
