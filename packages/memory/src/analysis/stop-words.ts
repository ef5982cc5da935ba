// The Snowball project's stop word lists (snowballstem.org, BSD), lower-cased, accents kept: the
// accent tells "né" (born), "sûr" (sure) and "dû" apart from the stop words "ne", "sur" and "du".
// Deliberately short: broad lists (stopwords-iso has 1,298 English words, among them "computer",
// "eight" and "fire") remove words that questions depend on. Words that are merely frequent in a
// corpus are dropped at query time by document frequency instead.
const english = `i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that these those am
is are was were be been being have has had having do does did doing would should could ought a an the and but
if or because as until while of at by for with about against between into through during before after above
below to from up down in out on off over under again further then once here there when where why how all any
both each few more most other some such no nor not only own same so than too very s t can will just don
shall might must also`;

const french = `au aux avec ce ces dans de des du elle en et eux il ils je la là le les leur lui ma mais me même mes
moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre
vous c d j l à a m n s t y été étée étées étés étant étante étants étantes suis es est sommes êtes sont serai seras
sera serons serez seront serais serait serions seriez seraient étais était étions étiez étaient fus fut fûmes fûtes
furent sois soit soyons soyez soient fusse fusses fût fussions fussiez fussent ayant ayante ayantes ayants eu eue
eues eus ai as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient avais
avait avions aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez aient eusse eusses eût eussions eussiez
eussent ceci cela cet cette ici leurs quel quels quelle quelles sans soi`;

function toSet(list: string): ReadonlySet<string> {
  return new Set(list.split(/\s+/).filter((word) => word.length > 0));
}

export const stopWords: Readonly<Record<'en' | 'fr', ReadonlySet<string>>> = {
  en: toSet(english),
  fr: toSet(french),
};
