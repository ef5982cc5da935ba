import { describe, expect, it } from 'vitest';
import { checkTranslation, cleanTranslation, translationMessages } from './question-translation.js';

describe('checkTranslation', () => {
  it.each([
    // A good translation passes, its label and quotes removed.
    ['Qui est le capitaine du Pequod ?', 'Who is the captain of the Pequod?', 'en', 'accepted'],
    ['Qui est le capitaine du Pequod ?', 'English: "Who is the captain of the Pequod?"', 'en', 'accepted'],
    ['What did Alice drink?', "Qu'est-ce qu'Alice a bu ?", 'fr', 'accepted'],
    ['Who is Elizabeth Bennet?', 'Qui est Elizabeth Bennet ?', 'fr', 'accepted'],
    // A stray token after the question mark (a base model going on) is cut, not a reason to reject.
    ['Qui est Achab ?', 'Who is Ahab? mendatang', 'en', 'accepted'],
    // Junk a base model writes.
    ['Qui est le capitaine du Pequod ?', '', 'en', 'empty'],
    ['Qui est le capitaine du Pequod ?', '   "" \n', 'en', 'empty'],
    ['Qui est le capitaine du Pequod ?', 'Qui est le capitaine du Pequod ?', 'en', 'echo'],
    ['Qui est le capitaine du Pequod ?', 'Qui est le capitaine du Pequod', 'en', 'echo'],
    ['What did Alice drink?', 'What did Alice drink?', 'fr', 'echo'],
    [
      'Qui est le capitaine ?',
      'The captain of the ship is a man who has lost his leg to a whale and who wants revenge on it more than anything else in the world, and he is called Ahab.',
      'en',
      'too_long',
    ],
    ['Qui est le capitaine du Pequod ?', 'Le capitaine du Pequod est Achab.', 'en', 'echo'],
    [
      'Qui est le capitaine du Pequod ?',
      'Achab, un vieux marin avec une jambe de bois.',
      'en',
      'wrong_language',
    ],
    ['What did Alice drink?', 'Alice drank from the little bottle.', 'fr', 'wrong_language'],
    ['Qui est le capitaine du Pequod ?', 'Baleine blanche !!!', 'en', 'wrong_language'],
    ['Qui est le capitaine du Pequod ?', 'Translate this French question into English:', 'en', 'prompt_echo'],
    ['Qui est le capitaine du Pequod ?', 'Where is the train station?', 'en', 'prompt_echo'],
  ] as const)('%s → %j (%s): %s', (question, output, target, expected) => {
    const check = checkTranslation(question, output, target);
    expect(check.accepted ? 'accepted' : check.reason).toBe(expected);
    if (!check.accepted) expect(check.message.length).toBeGreaterThan(0);
  });

  it('keeps what ends the question: a model that goes on after the translation is cut', () => {
    expect(checkTranslation('Qui est Achab ?', 'Who is Ahab?iatrics and more', 'en')).toEqual({
      accepted: true,
      text: 'Who is Ahab?',
    });
    expect(cleanTranslation('Who is the captain?\nQuestion: Où est la baleine ?\nAnswer: …')).toBe(
      'Who is the captain?',
    );
    expect(cleanTranslation('\n\n  « Qui est Achab ? »  ')).toBe('Qui est Achab ?');
  });
});

describe('translationMessages', () => {
  it('asks for the target language, shows generic examples, and ends with the question', () => {
    const messages = translationMessages('Qui est Achab ?', 'fr', 'en');
    expect(messages[0]?.content).toContain('from French into English');
    expect(messages.at(-1)).toEqual({
      role: 'user',
      content: 'Translate this French question into English: Qui est Achab ?',
    });
    // Each example: the question in the source language, its translation as the assistant's turn.
    expect(messages[2]).toEqual({ role: 'assistant', content: 'Where is the train station?' });
    expect(translationMessages('Who is Ahab?', 'en', 'fr')[2]).toEqual({
      role: 'assistant',
      content: 'Où se trouve la gare ?',
    });
  });
});
