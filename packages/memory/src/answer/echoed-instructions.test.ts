import { describe, expect, it } from 'vitest';
import { createSourcesPromptBuilder } from '../prompt/sources-prompt-builder.js';
import type { RetrievedChunk } from '../retriever/retriever.js';
import { createCitationScorer } from '../scorer/citation-scorer.js';
import { echoesInstructions } from './echoed-instructions.js';

// A real output, recorded: what Gemma 3 270M base (the gateway's embedded worker, 96 tokens) wrote
// for an English question of Library Brain's gate on 2026-11-30, before the echo check existed. It
// was shown as a generated answer citing [1], [2] and [3].
const recordedGemmaAnswer =
  'You answer questions using only the numbered sources given by the user.\nCite every statement with the number of its source in square brackets, e.g. [1] or [2][3].\nQuote the sources exactly when you quote them, between double quotes.\nIf the sources do not contain the answer, reply exactly: "The sources do not contain the answer."\nDo not use any other knowledge. Answer in English.\n\n---\n\nSources:\n\n[1';

function chunk(index: number, text: string): RetrievedChunk {
  return {
    chunkId: index,
    sourceId: index,
    sourceUri: `/books/${index}.txt`,
    sourceTitle: `Book ${index}`,
    ordinal: 0,
    start: 0,
    end: text.length,
    text,
    heading: null,
    score: 1,
    ranks: { lexical: index, vector: null },
    neighbour: false,
  };
}

const messages = [
  {
    role: 'system' as const,
    content:
      'You answer questions using only the numbered sources.\nCite every statement, e.g. [1] or [2][3].\nBe brief.',
  },
  {
    role: 'user' as const,
    content: 'Sources:\n\n[1] The keeper lit the lamp.\n\nQuestion: who lit the lamp?',
  },
];

describe('echoesInstructions', () => {
  it('is true for an answer holding a whole line of the system instructions, spacing and case aside', () => {
    expect(
      echoesInstructions('Sure.  CITE every statement,\ne.g. [1] or [2][3]. The keeper [1].', messages),
    ).toBe(true);
  });

  it('is false for an answer sharing words, a short line, or text of the user message only', () => {
    expect(echoesInstructions('The keeper lit the lamp [1]. Be brief.', messages)).toBe(false);
    expect(echoesInstructions('Using only the numbered sources: the keeper [1].', messages)).toBe(false);
    expect(echoesInstructions('Question: who lit the lamp? The keeper lit the lamp.', messages)).toBe(false);
  });

  it("catches Gemma 270M base's recorded answer, which the citation check alone passes", () => {
    const prompt = createSourcesPromptBuilder().build('What was the name of the ship?', [
      chunk(1, 'The ship was called the Pequod.'),
      chunk(2, 'Ahab was her captain.'),
      chunk(3, 'They sailed from Nantucket.'),
    ]);
    const score = createCitationScorer().score(recordedGemmaAnswer, prompt.passages);
    // Its numbers are the instructions' example, naming passages that exist: the scorer finds no fault.
    expect(score).toMatchObject({
      citations: [1, 2, 3],
      invalidCitations: [],
      unsupportedQuotes: [],
      valid: true,
    });
    expect(echoesInstructions(recordedGemmaAnswer, prompt.messages)).toBe(true);
  });
});
