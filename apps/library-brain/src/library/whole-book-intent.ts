// Questions about a whole book ("list the chapters", "summarise chapter 3", "who are the main
// characters"), told apart from questions whose answer is in a few passages. Pure: no library here.

export type WholeBookRequest =
  | { kind: 'chapters' }
  | { kind: 'chapter_summary'; chapter: number; part: number | null }
  | { kind: 'main_characters' };

export type WholeBookIntent = WholeBookRequest & {
  language: 'en' | 'fr';
  /** The words naming the book ("of Moby Dick" → "Moby Dick"), or null when the question names none. */
  bookReference: string | null;
};

const englishNumbers = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
  'twenty',
];
const englishOrdinals = [
  'zeroth',
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
  'tenth',
  'eleventh',
  'twelfth',
  'thirteenth',
  'fourteenth',
  'fifteenth',
  'sixteenth',
  'seventeenth',
  'eighteenth',
  'nineteenth',
  'twentieth',
];
const frenchNumbers = [
  'zero',
  'un',
  'deux',
  'trois',
  'quatre',
  'cinq',
  'six',
  'sept',
  'huit',
  'neuf',
  'dix',
  'onze',
  'douze',
  'treize',
  'quatorze',
  'quinze',
  'seize',
  'dix-sept',
  'dix-huit',
  'dix-neuf',
  'vingt',
];
const frenchOrdinals = [
  'zeroieme',
  'premier',
  'deuxieme',
  'troisieme',
  'quatrieme',
  'cinquieme',
  'sixieme',
  'septieme',
  'huitieme',
  'neuvieme',
  'dixieme',
  'onzieme',
  'douzieme',
  'treizieme',
  'quatorzieme',
  'quinzieme',
  'seizieme',
  'dix-septieme',
  'dix-huitieme',
  'dix-neuvieme',
  'vingtieme',
];

const romanValues: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100, d: 500, m: 1000 };

/** A Roman numeral's value ("xiv" → 14), or null when the text is not one. */
export function romanNumeral(text: string): number | null {
  const lower = text.toLowerCase();
  if (!/^[ivxlcdm]+$/.test(lower)) return null;
  let total = 0;
  for (let index = 0; index < lower.length; index++) {
    const value = romanValues[lower[index] as string] as number;
    const next = romanValues[lower[index + 1] as string] ?? 0;
    total += value < next ? -value : value;
  }
  return total > 0 ? total : null;
}

/** "3", "III", "three", "third", "trois", "troisième", "1st", "3e" → 3; null for anything else. */
export function chapterNumber(word: string): number | null {
  const folded = fold(word).replace(/\.$/, '');
  if (/^\d{1,4}$/.test(folded)) return Number(folded);
  const suffixed = /^(\d{1,4})(?:st|nd|rd|th|e|er|re|eme|ieme)$/.exec(folded);
  if (suffixed) return Number(suffixed[1]);
  for (const list of [englishNumbers, englishOrdinals, frenchNumbers, frenchOrdinals]) {
    const index = list.indexOf(folded);
    if (index > 0) return index;
  }
  if (folded === 'premiere') return 1;
  if (folded === 'second' || folded === 'seconde') return 2;
  return romanNumeral(folded);
}

/** Lower case, no accents, straight apostrophes, single spaces. */
function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’‘]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

const numberPattern = '([0-9]{1,4}(?:st|nd|rd|th|e|er|eme|ieme)?|[ivxlcdm]+|[a-z]+(?:-[a-z]+)?)';

// The book named after the request: "… of Moby Dick", "… in Candide", "… de Candide", "… du livre X".
const englishBook = String.raw`(?:\s+(?:of|in|from)\s+(?:the\s+book\s+|the\s+novel\s+)?(.+))?`;
const frenchBook = String.raw`(?:\s+(?:de|du|des|dans|d')\s*(?:(?:le|la|l')\s*)?(?:(?:livre|roman)\s+)?(.+))?`;

interface Pattern {
  language: 'en' | 'fr';
  kind: WholeBookRequest['kind'];
  expression: RegExp;
}

// Each expression matches the whole folded question; group 1 is the chapter number where there is
// one, the last group that matched the book. Anchored, so that "who is the main character's brother?" is not
// a request for the main characters.
const patterns: Pattern[] = [
  {
    language: 'en',
    kind: 'chapters',
    expression: new RegExp(
      String.raw`^(?:please\s+)?(?:(?:can|could)\s+you\s+)?(?:list|show|give|tell|name)(?:\s+me)?\s+(?:all\s+)?(?:of\s+)?the\s+(?:chapters|chapter\s+titles|table\s+of\s+contents|contents)${englishBook}$`,
    ),
  },
  {
    language: 'en',
    kind: 'chapters',
    expression: new RegExp(
      String.raw`^(?:what|which)\s+are\s+the\s+(?:chapters|chapter\s+titles)${englishBook}$`,
    ),
  },
  {
    language: 'en',
    kind: 'chapters',
    expression: new RegExp(
      String.raw`^(?:the\s+)?(?:table\s+of\s+contents|chapters|chapter\s+list)${englishBook}$`,
    ),
  },
  {
    language: 'en',
    kind: 'chapters',
    expression:
      /^how\s+many\s+chapters\s+(?:are\s+there(?:\s+in\s+(.+))?|does\s+(.+)\s+have|(?:are\s+)?in\s+(.+))$/,
  },
  {
    language: 'en',
    kind: 'chapter_summary',
    expression: new RegExp(
      String.raw`^(?:please\s+)?(?:(?:can|could)\s+you\s+)?(?:summari[sz]e|sum\s+up|outline|recap)\s+(?:the\s+)?chapter\s+${numberPattern}${englishBook}$`,
    ),
  },
  {
    language: 'en',
    kind: 'chapter_summary',
    expression: new RegExp(
      String.raw`^(?:please\s+)?(?:(?:can|could)\s+you\s+)?(?:summari[sz]e|sum\s+up|outline|recap)\s+the\s+${numberPattern}\s+chapter${englishBook}$`,
    ),
  },
  {
    language: 'en',
    kind: 'chapter_summary',
    expression: new RegExp(
      String.raw`^(?:(?:give|write)(?:\s+me)?\s+)?(?:a\s+|the\s+)?(?:summary|synopsis|recap)\s+of\s+(?:the\s+)?chapter\s+${numberPattern}${englishBook}$`,
    ),
  },
  {
    language: 'en',
    kind: 'chapter_summary',
    expression: new RegExp(
      String.raw`^what\s+happens\s+in\s+(?:the\s+)?chapter\s+${numberPattern}${englishBook}$`,
    ),
  },
  {
    language: 'en',
    kind: 'main_characters',
    expression: new RegExp(
      String.raw`^(?:who|what)\s+are\s+the\s+(?:main|principal|major|central|key|leading)\s+characters${englishBook}$`,
    ),
  },
  {
    language: 'en',
    kind: 'main_characters',
    expression: new RegExp(
      String.raw`^(?:please\s+)?(?:list|name|give\s+me|tell\s+me)\s+the\s+(?:main\s+|principal\s+|major\s+)?characters${englishBook}$`,
    ),
  },
  {
    language: 'en',
    kind: 'main_characters',
    expression: new RegExp(String.raw`^(?:the\s+)?main\s+characters${englishBook}$`),
  },
  {
    language: 'fr',
    kind: 'chapters',
    expression: new RegExp(
      String.raw`^(?:peux-tu\s+|pouvez-vous\s+)?(?:liste|lister|listez|donne|donner|donnez|montre|montrer|montrez|cite|citez)(?:-moi)?\s+(?:tous\s+)?les\s+(?:chapitres|titres\s+des\s+chapitres)${frenchBook}$`,
    ),
  },
  {
    language: 'fr',
    kind: 'chapters',
    expression: new RegExp(
      String.raw`^quels\s+sont\s+les\s+(?:chapitres|titres\s+des\s+chapitres)${frenchBook}$`,
    ),
  },
  {
    language: 'fr',
    kind: 'chapters',
    expression: new RegExp(
      String.raw`^(?:(?:donne|donnez|montre|montrez)(?:-moi)?\s+)?(?:la\s+|le\s+)?(?:table\s+des\s+matieres|sommaire|liste\s+des\s+chapitres)${frenchBook}$`,
    ),
  },
  {
    language: 'fr',
    kind: 'chapters',
    expression: new RegExp(
      String.raw`^combien\s+(?:de\s+chapitres|y\s+a-t-il\s+de\s+chapitres)${frenchBook}$`,
    ),
  },
  {
    language: 'fr',
    kind: 'chapter_summary',
    expression: new RegExp(
      String.raw`^(?:peux-tu\s+|pouvez-vous\s+)?(?:resume|resumer|resumez)(?:-moi)?\s+(?:le\s+)?chapitre\s+${numberPattern}${frenchBook}$`,
    ),
  },
  {
    language: 'fr',
    kind: 'chapter_summary',
    expression: new RegExp(
      String.raw`^(?:peux-tu\s+|pouvez-vous\s+)?(?:resume|resumer|resumez)(?:-moi)?\s+le\s+${numberPattern}\s+chapitre${frenchBook}$`,
    ),
  },
  {
    language: 'fr',
    kind: 'chapter_summary',
    expression: new RegExp(
      String.raw`^(?:(?:donne|donnez|fais|faites)(?:-moi)?\s+)?(?:un\s+|le\s+)?resume\s+du\s+chapitre\s+${numberPattern}${frenchBook}$`,
    ),
  },
  {
    language: 'fr',
    kind: 'chapter_summary',
    expression: new RegExp(
      String.raw`^que\s+se\s+passe-t-il\s+(?:dans|au)\s+(?:le\s+)?chapitre\s+${numberPattern}${frenchBook}$`,
    ),
  },
  {
    language: 'fr',
    kind: 'main_characters',
    expression: new RegExp(
      String.raw`^(?:quels|qui)\s+sont\s+les\s+(?:personnages\s+principaux|principaux\s+personnages|heros)${frenchBook}$`,
    ),
  },
  {
    language: 'fr',
    kind: 'main_characters',
    expression: new RegExp(
      String.raw`^(?:(?:liste|cite|citez|donne|donnez|nomme|nommez)(?:-moi)?\s+)?les\s+(?:personnages\s+principaux|principaux\s+personnages|personnages)${frenchBook}$`,
    ),
  },
];

// "in part 2", "of book the second", "de la deuxième partie": which part, when the chapter numbers
// start again in each part.
const partPatterns = [
  /\s+(?:of|in|from)\s+(?:the\s+)?(?:part|book|volume)\s+([a-z0-9]+)(?=\s|$)/,
  /\s+(?:of|in|from)\s+(?:the\s+)?([a-z0-9]+)\s+(?:part|book|volume)(?=\s|$)/,
  /\s+(?:of|in|from)\s+book\s+the\s+([a-z]+)(?=\s|$)/,
  /\s+(?:de\s+la|dans\s+la)\s+([a-z0-9-]+)\s+partie(?=\s|$)/,
  /\s+(?:de\s+la|dans\s+la)\s+partie\s+([a-z0-9]+)(?=\s|$)/,
];

function takePart(question: string): { question: string; part: number | null } {
  for (const pattern of partPatterns) {
    const match = pattern.exec(question);
    const part = match ? chapterNumber(match[1] as string) : null;
    if (match && part !== null)
      return {
        question: question.slice(0, match.index) + question.slice(match.index + match[0].length),
        part,
      };
  }
  return { question, part: null };
}

/** Greetings before, politeness and punctuation after: not part of the request. */
function trimmed(question: string): string {
  return fold(question)
    .replace(/^(?:hey|hi|ok|okay|bonjour|salut|stp|svp)[,!\s]+/, '')
    .replace(/\s*(?:,?\s*(?:please|s'il\s+(?:te|vous)\s+plait|stp|svp))?\s*[?.!]*$/, '')
    .replace(/\s+\?$/, '');
}

// "And chapter 4?" after a chapter's summary, made standalone without a chat model: the previous
// question's words carried over in brackets (question-rewrite-carry-over.ts), "And chapter 4?
// (Summarise 3 Alice)". The carried words say what was asked and of which book.
const followUp = new RegExp(
  `^(?:(and|what about|how about)|(et|et pour|et pour le|et le|quant au))\\s+(?:the\\s+|le\\s+)?(?:chapter|chapitre)\\s+${numberPattern}(?:\\s+(?:of|in|de|du)\\s+(.+))?$`,
);
const carriedWords = /^(.*\S)\s*\(([^()]+)\)$/s;
const summaryWords = /^(?:summari[sz]e|summary|sum|recap|outline|resume|resumer|resumez)$/;
const requestWords =
  /^(?:summari[sz]e|summary|sum|up|recap|outline|resume|resumer|resumez|resume-moi|chapter|chapitre|chapters|chapitres|list|liste|give|donne|happens|passe|[0-9]+|[ivxlcdm]+)$/;

function followUpIntent(question: string): WholeBookIntent | null {
  const carried = carriedWords.exec(question.trim());
  if (!carried) return null;
  const match = followUp.exec(trimmed(carried[1] as string));
  if (!match) return null;
  const words = fold(carried[2] as string).split(/\s+/);
  if (!words.some((word) => summaryWords.test(word))) return null;
  const chapter = chapterNumber(match[3] as string);
  if (chapter === null) return null;
  const bookReference =
    match[4]?.trim() || words.filter((word) => !requestWords.test(word)).join(' ') || null;
  return { kind: 'chapter_summary', chapter, part: null, language: match[1] ? 'en' : 'fr', bookReference };
}

/** The request a question makes about a whole book, or null for any other question. */
export function detectWholeBookIntent(question: string): WholeBookIntent | null {
  const { question: withoutPart, part } = takePart(trimmed(question));
  for (const pattern of patterns) {
    const match = pattern.expression.exec(withoutPart);
    if (!match) continue;
    const bookGroups = match.slice(pattern.kind === 'chapter_summary' ? 2 : 1);
    const bookReference =
      bookGroups
        .filter((group) => group !== undefined)
        .at(-1)
        ?.trim() || null;
    if (pattern.kind === 'chapter_summary') {
      const chapter = chapterNumber(match[1] as string);
      if (chapter === null) continue;
      return { kind: 'chapter_summary', chapter, part, language: pattern.language, bookReference };
    }
    return { kind: pattern.kind, language: pattern.language, bookReference };
  }
  return followUpIntent(question);
}
