import { ServiceError } from '@klody/service';
import type { SpeechVoice } from '@klody/voice';
import type { EngineFigures, EngineMeasurements } from '../engines/engine-measurements.js';
import type { EngineSet } from '../engines/engine-set.js';
import type { QualityClass, SpeechEngine } from '../engines/speech-engine.js';
import type { VoiceProfile } from '../profiles/profile.js';
import type { ProfileStore } from '../profiles/profile-store.js';
import { requestLanguage } from '../router/request-language.js';
import type { SpeechRouter } from '../router/speech-router.js';
import { languageCode, voiceForLanguage } from '../router/voice-for-language.js';
import { unknownNameError } from './unknown-name.js';
import type { VoiceCatalogue } from './voice-catalogue.js';

/** What a speech request names (OpenAI's fields, plus our optional routing hints). */
export interface SpeakerRequest {
  input: string;
  model?: string | undefined;
  voice?: string | undefined;
  language?: string | undefined;
  speed?: number | undefined;
  quality?: QualityClass | undefined;
  latencyBudgetMs?: number | undefined;
}

/** Who speaks and how, once a request is resolved. */
export interface Speaker {
  engine: SpeechEngine;
  /** The engine's voice id; undefined only for a gateway alias that lists no voices (its worker picks). */
  voice: string | undefined;
  language: string | undefined;
  speed: number | undefined;
  pitch: number | undefined;
  loudnessLufs: number | null;
  profile: string | null;
  /** Why this engine and voice: the `x-klody-route` header. */
  route: string;
}

export interface ResolveSpeakerDependencies {
  engines: EngineSet;
  voices: VoiceCatalogue;
  profiles: ProfileStore;
  router: SpeechRouter;
  measurements: EngineMeasurements;
}

/** Names that mean "let the router choose". */
const automatic = new Set(['auto', 'vocalbrain']);

function describeFigures(engine: SpeechEngine, figures: EngineFigures): string {
  const first =
    figures.firstAudioMs === null
      ? 'first audio not measured yet'
      : `first audio ${Math.round(figures.firstAudioMs)} ms measured`;
  return `quality ${engine.quality}, ${first}`;
}

function findVoice(voices: readonly SpeechVoice[], wanted: string): SpeechVoice | undefined {
  const lower = wanted.toLowerCase();
  return (
    voices.find((voice) => voice.id === wanted) ??
    voices.find((voice) => voice.id.toLowerCase() === lower) ??
    voices.find((voice) => voice.name.toLowerCase() === lower)
  );
}

function cloneRefusal(profile: VoiceProfile, engines: readonly SpeechEngine[]): ServiceError {
  const cloners = engines.filter((engine) => engine.canClone).map((engine) => engine.id);
  const which =
    cloners.length === 0
      ? `no engine here can clone a voice (engines: ${engines.map((engine) => engine.id).join(', ') || 'none'})`
      : `engines that can: ${cloners.join(', ')}`;
  return new ServiceError(
    'cloning_unavailable',
    422,
    `profile "${profile.name}" is a voice cloned from ${profile.clone?.referencePath}; ${profile.clone?.engine ?? profile.engine} cannot clone: ${which}`,
  );
}

/**
 * Resolves a request's `model` and `voice` into an engine and one of its voices. Each may name a
 * profile; `model` may name an engine (`piper`), a gateway alias (`tts`, `openai:tts`),
 * `engine/voice`, or `auto`/nothing (the router decides); `voice` may be `engine/voice` or a voice id.
 * Unknown names are 404s with near matches; a cloned profile on an engine that cannot clone is a 422.
 */
export async function resolveSpeaker(
  dependencies: ResolveSpeakerDependencies,
  request: SpeakerRequest,
): Promise<Speaker> {
  const engines = await dependencies.engines.speechEngines();
  const byId = new Map(engines.map((engine) => [engine.id, engine]));
  const gatewayAlias = (name: string) => byId.get(`openai:${name}`);
  const engineNamed = (name: string) => byId.get(name) ?? gatewayAlias(name);
  const profileNames = () => dependencies.profiles.list().map((profile) => profile.name);

  let engine: SpeechEngine | undefined;
  let voiceName: string | undefined;
  let profile: VoiceProfile | null = null;
  let named = '';

  const model = request.model?.trim() || undefined;
  if (model !== undefined && !automatic.has(model.toLowerCase())) {
    profile = dependencies.profiles.get(model);
    if (!profile) {
      const slash = model.indexOf('/');
      const engineName = slash > 0 ? model.slice(0, slash) : model;
      engine = engineNamed(engineName);
      if (!engine) {
        const known = [...engines.map((candidate) => candidate.id), ...profileNames(), 'auto'];
        throw unknownNameError('model', model, known);
      }
      if (slash > 0) voiceName = model.slice(slash + 1);
      named = `model "${model}"`;
    }
  }

  const voice = request.voice?.trim() || undefined;
  if (voice !== undefined && !profile) {
    const asProfile = dependencies.profiles.get(voice);
    if (asProfile && (!engine || engine.id === asProfile.engine)) {
      profile = asProfile;
    } else {
      const slash = voice.indexOf('/');
      if (slash > 0 && engineNamed(voice.slice(0, slash))) {
        const voiceEngine = engineNamed(voice.slice(0, slash)) as SpeechEngine;
        if (engine && engine.id !== voiceEngine.id) {
          throw new ServiceError(
            'invalid_request',
            400,
            `voice "${voice}" belongs to ${voiceEngine.id}, but model names ${engine.id}`,
          );
        }
        engine = voiceEngine;
        voiceName = voice.slice(slash + 1);
      } else {
        voiceName = voice;
      }
      named = named ? `${named}, voice "${voice}"` : `voice "${voice}"`;
    }
  }

  let language = request.language;
  let speed = request.speed;
  let pitch: number | undefined;
  let loudnessLufs: number | null = null;
  if (profile) {
    const profileEngine = engineNamed(profile.clone?.engine ?? profile.engine);
    if (profile.clone && !profileEngine?.canClone) throw cloneRefusal(profile, engines);
    if (!profileEngine) {
      throw new ServiceError(
        'engine_unavailable',
        503,
        `profile "${profile.name}" speaks with ${profile.engine}, which is not available here (available: ${engines.map((candidate) => candidate.id).join(', ') || 'none'})`,
      );
    }
    engine = profileEngine;
    voiceName = profile.voice ?? undefined;
    language ??= profile.language ?? undefined;
    speed ??= profile.speed;
    pitch = profile.pitch;
    loudnessLufs = profile.loudnessLufs;
    named = `profile "${profile.name}"`;
  }

  if (engine) {
    const voices = await dependencies.voices.voicesOf(engine);
    const figures = dependencies.measurements.figures(engine.id);
    if (voices.length === 0 && engine.origin === 'gateway') {
      // A gateway relays speech but not its worker's voice list: the voice goes as asked, or the
      // worker picks one for the language.
      const detected = requestLanguage(request.input, language);
      const shown = voiceName ?? `(its voice for ${languageCode(detected.language)})`;
      return {
        engine,
        voice: voiceName,
        language: detected.language,
        speed,
        pitch,
        loudnessLufs,
        profile: profile?.name ?? null,
        route: `${engine.id}/${shown}: named by ${named}; ${describeFigures(engine, figures)}`,
      };
    }
    let chosen: string;
    if (voiceName !== undefined) {
      // espeak-ng takes `voice+variant`: the voice before the `+` is the one to check.
      const [base = voiceName, variant] = voiceName.split('+');
      const found = findVoice(voices, base);
      if (!found) {
        throw unknownNameError(
          'voice',
          voiceName,
          voices.map((candidate) => candidate.id),
          ` for ${engine.id}`,
        );
      }
      chosen = variant !== undefined ? `${found.id}+${variant}` : found.id;
    } else {
      const detected = requestLanguage(request.input, language);
      const forLanguage = voiceForLanguage(voices, detected.language);
      if (forLanguage === null) {
        const speakers = [];
        for (const other of engines) {
          if (other === engine) continue;
          const otherVoices = await dependencies.voices.voicesOf(other).catch(() => []);
          if (voiceForLanguage(otherVoices, detected.language) !== null) speakers.push(other.id);
        }
        throw new ServiceError(
          'no_route',
          422,
          `${engine.id} speaks no "${languageCode(detected.language)}"${detected.source === 'detected' ? ' (detected from the text)' : ''}; ${speakers.length > 0 ? `engines that do: ${speakers.join(', ')}` : 'no engine here does'}`,
        );
      }
      chosen = forLanguage;
      if (detected.source !== 'given') language = detected.language;
    }
    return {
      engine,
      voice: chosen,
      language: voiceName !== undefined ? undefined : language,
      speed,
      pitch,
      loudnessLufs,
      profile: profile?.name ?? null,
      route: `${engine.id}/${chosen}: named by ${named}; ${describeFigures(engine, figures)}`,
    };
  }

  // Nothing names an engine: a plain voice id is looked for in every engine, then the router decides.
  let allowed: string[] | undefined;
  if (voiceName !== undefined) {
    allowed = [];
    const known: string[] = [];
    for (const candidate of engines) {
      const voices = await dependencies.voices.voicesOf(candidate).catch(() => []);
      known.push(...voices.map((entry) => `${candidate.id}/${entry.id}`));
      if (findVoice(voices, voiceName.split('+')[0] ?? voiceName)) allowed.push(candidate.id);
    }
    if (allowed.length === 0) {
      throw unknownNameError('voice', voiceName, [...known, ...profileNames()].filter(Boolean));
    }
  }
  const decision = await dependencies.router.route({
    text: request.input,
    language: language ?? null,
    ...(request.quality ? { quality: request.quality } : {}),
    latencyBudgetMs: request.latencyBudgetMs ?? null,
    ...(allowed ? { engines: allowed } : {}),
  });
  if (!decision.ok) throw new ServiceError('no_route', 422, decision.reason);
  const routed = byId.get(decision.engine) as SpeechEngine;
  let chosenVoice = decision.voice;
  if (voiceName !== undefined) {
    const voices = await dependencies.voices.voicesOf(routed);
    const [base = voiceName, variant] = voiceName.split('+');
    const found = findVoice(voices, base);
    if (found) chosenVoice = variant !== undefined ? `${found.id}+${variant}` : found.id;
  }
  return {
    engine: routed,
    voice: chosenVoice,
    language: voiceName !== undefined ? undefined : decision.language,
    speed,
    pitch,
    loudnessLufs,
    profile: null,
    route:
      voiceName !== undefined
        ? `${routed.id}/${chosenVoice}: voice "${voiceName}"; ${decision.reason.split(': ').slice(1).join(': ')}`
        : decision.reason,
  };
}
