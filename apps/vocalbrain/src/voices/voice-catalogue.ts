import type { SpeechVoice } from '@klody/voice';
import type { EngineSet } from '../engines/engine-set.js';
import type { QualityClass, SpeechEngine } from '../engines/speech-engine.js';

/** One voice of the catalogue: `engine/voice` is what a request's `voice` (or `model`) may say. */
export interface CatalogueVoice {
  /** `engine/voice`, e.g. `piper/en_US-joe-medium`, `espeak-ng/fr-fr`. */
  id: string;
  engine: string;
  voice: string;
  name: string;
  languages: string[];
  gender: 'female' | 'male' | null;
  quality: QualityClass;
  origin: 'local' | 'gateway';
}

export interface VoiceList {
  voices: CatalogueVoice[];
  /** What is not listed and why (an engine not installed, a gateway that does not answer). */
  notes: string[];
}

export interface VoiceCatalogue {
  /** Every voice of every engine that runs here, or of one engine. */
  list(options?: { engine?: string }): Promise<VoiceList>;
  /** One engine's voices as it lists them (empty when it cannot say). */
  voicesOf(engine: SpeechEngine): Promise<SpeechVoice[]>;
}

/**
 * The voice catalogue, asked of the engines each time (each engine caches its own list): espeak-ng's
 * `--voices`, the Piper voices in the models folder, the gateway's `tts` aliases. Never a written list.
 */
export function createVoiceCatalogue(engines: EngineSet): VoiceCatalogue {
  async function voicesOf(engine: SpeechEngine): Promise<SpeechVoice[]> {
    return engine.textToSpeech.voices();
  }
  return {
    voicesOf,
    async list(options = {}) {
      const notes = [...engines.notes];
      const gateway = await engines.gateway();
      if (gateway.state === 'unreachable' && gateway.reason) notes.push(gateway.reason);
      if (gateway.state === 'disabled')
        notes.push('no gateway (KLODY_GATEWAY_URL=none): its tts aliases are not listed');
      if (gateway.state === 'ok' && gateway.speech.length === 0)
        notes.push(`the gateway at ${gateway.url} serves no tts alias`);
      const voices: CatalogueVoice[] = [];
      for (const engine of await engines.speechEngines()) {
        if (options.engine !== undefined && engine.id !== options.engine) continue;
        let listed: SpeechVoice[];
        try {
          listed = await voicesOf(engine);
        } catch (error) {
          notes.push(
            `${engine.id}: its voices could not be listed (${error instanceof Error ? error.message : String(error)})`,
          );
          continue;
        }
        if (listed.length === 0 && engine.origin === 'gateway') {
          notes.push(
            `${engine.id}: the gateway's worker lists no voices; ask for it with model "${engine.id}"`,
          );
        }
        for (const voice of listed) {
          voices.push({
            id: `${engine.id}/${voice.id}`,
            engine: engine.id,
            voice: voice.id,
            name: voice.name,
            languages: voice.languages,
            gender: voice.gender,
            quality: engine.quality,
            origin: engine.origin,
          });
        }
      }
      return { voices, notes };
    },
  };
}
