import { VoiceError } from '../../errors/index.js';
import { parseLanguage } from '../../language/language-codes.js';
import type { SpeechVoice } from '../../text-to-speech/text-to-speech.js';

/** One voice of espeak-ng's catalogue. */
export interface EspeakVoiceEntry {
  /** The language column (`fr-fr`, `en-us`): the voice id we expose. */
  language: string;
  /** Human name (`French (France)`). */
  name: string;
  /** Voice file identifier (`roa/fr`): what we pass to `-v`, unambiguous. */
  file: string;
  /** Other languages it serves, with espeak's priority (lower is preferred). */
  aliases: { language: string; priority: number }[];
  priority: number;
  gender: 'female' | 'male' | null;
}

export interface EspeakCatalogue {
  voices: EspeakVoiceEntry[];
  /** Variant names (`f3`, `Annie`, `klatt`) that can follow a voice as `voice+variant`. */
  variants: string[];
}

const rowPattern = /^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$/;

/**
 * Parses `espeak-ng --voices` (or `--voices=variant`). MBROLA voices (`mb/…`) are dropped unless
 * `hasMbrola` says their data is installed: espeak-ng lists them either way and then fails.
 */
export function parseEspeakVoiceList(
  output: string,
  hasMbrola: (file: string) => boolean = () => false,
): EspeakVoiceEntry[] {
  const entries: EspeakVoiceEntry[] = [];
  for (const line of output.split('\n').slice(1)) {
    const match = rowPattern.exec(line);
    if (!match) continue;
    const [, priority, language, ageGender, name, file, others] = match as unknown as string[];
    if (!language || !file || !name) continue;
    if (file.startsWith('mb/') && !hasMbrola(file)) continue;
    const aliases = [...(others ?? '').matchAll(/\(([^\s)]+)\s+(\d+)\)/g)].map((alias) => ({
      language: (alias[1] ?? '').toLowerCase(),
      priority: Number(alias[2]),
    }));
    const gender = ageGender?.endsWith('/F') ? 'female' : ageGender?.endsWith('/M') ? 'male' : null;
    entries.push({
      language: language.toLowerCase(),
      name: name.replaceAll('_', ' '),
      file,
      aliases,
      priority: Number(priority),
      gender,
    });
  }
  return entries;
}

/** The variant names from `espeak-ng --voices=variant` (the file column `!v/name`). */
export function parseEspeakVariantList(output: string): string[] {
  return parseEspeakVoiceList(output, () => true)
    .map((entry) => entry.file.replace(/^!v\//, ''))
    .filter((name) => name.length > 0);
}

/** Voices as the `TextToSpeech` interface lists them: one per language id, best priority first. */
export function espeakSpeechVoices(catalogue: EspeakCatalogue): SpeechVoice[] {
  const seen = new Set<string>();
  const voices: SpeechVoice[] = [];
  for (const entry of [...catalogue.voices].sort((a, b) => a.priority - b.priority)) {
    if (seen.has(entry.language)) continue;
    seen.add(entry.language);
    voices.push({
      id: entry.language,
      name: entry.name,
      languages: [
        entry.language,
        ...entry.aliases.map((alias) => alias.language).filter((tag) => tag !== entry.language),
      ],
      gender: entry.gender,
    });
  }
  return voices.sort((a, b) => a.id.localeCompare(b.id));
}

export function espeakLanguages(catalogue: EspeakCatalogue): string[] {
  const tags = new Set<string>();
  for (const entry of catalogue.voices) {
    tags.add(entry.language);
    for (const alias of entry.aliases) tags.add(alias.language);
  }
  return [...tags].sort();
}

export interface ResolvedEspeakVoice {
  /** What to pass to `-v` / `set_voice`: the voice file, plus `+variant` when one was asked. */
  argument: string;
  entry: EspeakVoiceEntry;
  variant: string | null;
}

function bestFor(catalogue: EspeakCatalogue, tag: string): EspeakVoiceEntry | undefined {
  let best: { entry: EspeakVoiceEntry; priority: number } | undefined;
  for (const entry of catalogue.voices) {
    const priority =
      entry.language === tag
        ? entry.priority
        : entry.aliases.find((alias) => alias.language === tag)?.priority;
    if (priority !== undefined && (!best || priority < best.priority)) best = { entry, priority };
  }
  return best?.entry;
}

const simplify = (value: string) => value.toLowerCase().replaceAll('_', ' ').trim();

/**
 * Finds the voice for a request: `voice` may be a language id (`fr-fr`), a name (`French (France)`),
 * a file (`roa/fr`), each optionally `+variant`; else `language` (any form `parseLanguage` reads)
 * picks espeak-ng's preferred voice for it. Unknown ones fail with the code that names them.
 */
export function resolveEspeakVoice(
  catalogue: EspeakCatalogue,
  request: { voice?: string; language?: string },
  engine: string,
): ResolvedEspeakVoice {
  if (request.voice !== undefined) {
    const [base = '', variantName, ...extra] = request.voice.split('+');
    const wanted = simplify(base);
    const entry =
      catalogue.voices.find((candidate) => candidate.language === wanted) ??
      catalogue.voices.find((candidate) => simplify(candidate.name) === wanted) ??
      catalogue.voices.find((candidate) => candidate.file.toLowerCase() === wanted) ??
      bestFor(catalogue, wanted);
    if (!entry || extra.length > 0) {
      throw new VoiceError(
        'unknown_voice',
        `${engine} has no voice "${request.voice}": use a language id such as "fr-fr" or "en-us" (list them with voices()), optionally followed by +variant`,
      );
    }
    let variant: string | null = null;
    if (variantName !== undefined) {
      variant =
        catalogue.variants.find((candidate) => candidate.toLowerCase() === variantName.toLowerCase()) ?? null;
      if (!variant) {
        throw new VoiceError(
          'unknown_voice',
          `${engine} has no voice variant "${variantName}" (known variants include ${catalogue.variants.slice(0, 8).join(', ')}…)`,
        );
      }
    }
    return { argument: variant ? `${entry.file}+${variant}` : entry.file, entry, variant };
  }
  const language = parseLanguage(request.language ?? 'en');
  const entry = bestFor(catalogue, language.tag) ?? bestFor(catalogue, language.code);
  if (!entry) {
    throw new VoiceError('unknown_language', `${engine} has no voice for the language "${request.language}"`);
  }
  return { argument: entry.file, entry, variant: null };
}

/** espeak-ng's words per minute for a relative speed (175 is its normal pace; it accepts 80–450). */
export function espeakWordsPerMinute(speed = 1): number {
  return Math.max(80, Math.min(450, Math.round(175 * speed)));
}

/** espeak-ng's pitch (0–99, 50 normal) for a relative pitch (0–2, 1 normal). */
export function espeakPitch(pitch = 1): number {
  return Math.max(0, Math.min(99, Math.round(50 * pitch)));
}
