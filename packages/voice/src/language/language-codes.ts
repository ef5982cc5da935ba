import { VoiceError } from '../errors/index.js';

// ISO 639-1 → [ISO 639-2/T, ISO 639-2/B or '', English name as whisper and Qwen-style TTS models
// spell it, native name]. The languages whisper knows, which covers espeak-ng's main ones.
const table: Record<string, readonly [string, string, string, string]> = {
  af: ['afr', '', 'afrikaans', 'afrikaans'],
  am: ['amh', '', 'amharic', 'አማርኛ'],
  ar: ['ara', '', 'arabic', 'العربية'],
  az: ['aze', '', 'azerbaijani', 'azərbaycan'],
  be: ['bel', '', 'belarusian', 'беларуская'],
  bg: ['bul', '', 'bulgarian', 'български'],
  bn: ['ben', '', 'bengali', 'বাংলা'],
  bs: ['bos', '', 'bosnian', 'bosanski'],
  ca: ['cat', '', 'catalan', 'català'],
  cs: ['ces', 'cze', 'czech', 'čeština'],
  cy: ['cym', 'wel', 'welsh', 'cymraeg'],
  da: ['dan', '', 'danish', 'dansk'],
  de: ['deu', 'ger', 'german', 'deutsch'],
  el: ['ell', 'gre', 'greek', 'ελληνικά'],
  en: ['eng', '', 'english', 'english'],
  es: ['spa', '', 'spanish', 'español'],
  et: ['est', '', 'estonian', 'eesti'],
  eu: ['eus', 'baq', 'basque', 'euskara'],
  fa: ['fas', 'per', 'persian', 'فارسی'],
  fi: ['fin', '', 'finnish', 'suomi'],
  fr: ['fra', 'fre', 'french', 'français'],
  ga: ['gle', '', 'irish', 'gaeilge'],
  gl: ['glg', '', 'galician', 'galego'],
  gu: ['guj', '', 'gujarati', 'ગુજરાતી'],
  he: ['heb', '', 'hebrew', 'עברית'],
  hi: ['hin', '', 'hindi', 'हिन्दी'],
  hr: ['hrv', '', 'croatian', 'hrvatski'],
  hu: ['hun', '', 'hungarian', 'magyar'],
  hy: ['hye', 'arm', 'armenian', 'հայերեն'],
  id: ['ind', '', 'indonesian', 'bahasa indonesia'],
  is: ['isl', 'ice', 'icelandic', 'íslenska'],
  it: ['ita', '', 'italian', 'italiano'],
  ja: ['jpn', '', 'japanese', '日本語'],
  ka: ['kat', 'geo', 'georgian', 'ქართული'],
  kk: ['kaz', '', 'kazakh', 'қазақ'],
  kn: ['kan', '', 'kannada', 'ಕನ್ನಡ'],
  ko: ['kor', '', 'korean', '한국어'],
  la: ['lat', '', 'latin', 'latina'],
  lt: ['lit', '', 'lithuanian', 'lietuvių'],
  lv: ['lav', '', 'latvian', 'latviešu'],
  mk: ['mkd', 'mac', 'macedonian', 'македонски'],
  ml: ['mal', '', 'malayalam', 'മലയാളം'],
  mr: ['mar', '', 'marathi', 'मराठी'],
  ms: ['msa', 'may', 'malay', 'bahasa melayu'],
  mt: ['mlt', '', 'maltese', 'malti'],
  nb: ['nob', '', 'norwegian', 'norsk bokmål'],
  ne: ['nep', '', 'nepali', 'नेपाली'],
  nl: ['nld', 'dut', 'dutch', 'nederlands'],
  pa: ['pan', '', 'punjabi', 'ਪੰਜਾਬੀ'],
  pl: ['pol', '', 'polish', 'polski'],
  pt: ['por', '', 'portuguese', 'português'],
  ro: ['ron', 'rum', 'romanian', 'română'],
  ru: ['rus', '', 'russian', 'русский'],
  sk: ['slk', 'slo', 'slovak', 'slovenčina'],
  sl: ['slv', '', 'slovenian', 'slovenščina'],
  sq: ['sqi', 'alb', 'albanian', 'shqip'],
  sr: ['srp', '', 'serbian', 'српски'],
  sv: ['swe', '', 'swedish', 'svenska'],
  sw: ['swa', '', 'swahili', 'kiswahili'],
  ta: ['tam', '', 'tamil', 'தமிழ்'],
  te: ['tel', '', 'telugu', 'తెలుగు'],
  th: ['tha', '', 'thai', 'ไทย'],
  tr: ['tur', '', 'turkish', 'türkçe'],
  uk: ['ukr', '', 'ukrainian', 'українська'],
  ur: ['urd', '', 'urdu', 'اردو'],
  vi: ['vie', '', 'vietnamese', 'tiếng việt'],
  zh: ['zho', 'chi', 'chinese', '中文'],
};

/** A language understood from a tag or a name. */
export interface Language {
  /** The full tag, lower case with `-` (e.g. `fr-ca`, `en-us`, `fr`). */
  tag: string;
  /** ISO 639-1 primary code (`fr`). */
  code: string;
  /** English name in lower case (`french`): what whisper and several neural TTS models expect. */
  name: string;
}

/** How an engine wants its language written. */
export type LanguageStyle =
  /** `fr` — whisper.cpp `-l`, OpenAI transcriptions `language`. */
  | 'iso-639-1'
  /** `fr-ca` or `fr` — espeak-ng voices, Piper voice names. */
  | 'tag'
  /** `french` — Qwen3-TTS and similar models (the seed's trap: they need `french`, not `fr`). */
  | 'english-name';

const byAlias = new Map<string, string>();
for (const [code, [iso3, iso3b, english, native]] of Object.entries(table)) {
  for (const alias of [code, iso3, iso3b, english, native]) {
    if (alias) byAlias.set(alias.normalize('NFC').toLowerCase(), code);
  }
}
byAlias.set('no', 'nb');
byAlias.set('nor', 'nb');
byAlias.set('francais', 'fr');

/** Reads `fr`, `fr-FR`, `fr_CA`, `fra`, `french`, `Français`… Throws `unknown_language` otherwise. */
export function parseLanguage(input: string): Language {
  const cleaned =
    typeof input === 'string' ? input.trim().normalize('NFC').toLowerCase().replaceAll('_', '-') : '';
  const whole = byAlias.get(cleaned);
  if (whole) return { tag: whole, code: whole, name: table[whole]?.[2] ?? whole };
  const [primary, ...rest] = cleaned.split('-');
  const code = primary ? byAlias.get(primary) : undefined;
  if (!code || !/^[a-z0-9-]*$/.test(rest.join('-'))) {
    throw new VoiceError(
      'unknown_language',
      `unknown language "${input}": give an ISO 639-1 code such as "fr" or "en", a tag such as "fr-FR", or a name such as "french"`,
    );
  }
  const tag = [code, ...rest].join('-');
  return { tag, code, name: table[code]?.[2] ?? code };
}

/** Writes a language the way an engine expects it (see `LanguageStyle`). */
export function formatLanguage(input: string | Language, style: LanguageStyle): string {
  const language = typeof input === 'string' ? parseLanguage(input) : input;
  switch (style) {
    case 'iso-639-1':
      return language.code;
    case 'tag':
      return language.tag;
    case 'english-name':
      return language.name;
  }
}
