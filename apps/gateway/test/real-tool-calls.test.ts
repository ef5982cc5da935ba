// Tool calls for real: Gemma 3 270M on the embedded worker behind the gateway, given four tools of
// our own and twenty requests written for this test (English and French), each with the one tool it
// calls for. With `tool_choice: "required"` the worker constrains the output to a grammar built
// from the tools' JSON schemas, so every call must have its schema's shape whatever the model: that
// is asserted for all twenty. Which tool the model chooses is up to the model: a small *base* model
// (the package's GGUF is not instruction-tuned) — the count of right choices is reported, not held
// to a target (see the README for the figure and the command).
import { freePorts, gemmaEmbeddedWorkerEntry } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { postJson, useQuietGateway } from './helpers.js';

// Each tool's arguments as a strict zod schema: its JSON Schema (z.toJSONSchema) is what the gateway
// gets, and the same schema validates what comes back. String lengths are bounded (the grammar
// enforces maxLength) so that a model that rambles inside a string — Gemma filled a message with
// "s10 s10 s10 …" — still closes the JSON within max_tokens: at most 64 characters of strings in
// one call, a token each at worst, plus the JSON around them (compact: the grammar allows no
// whitespace), stays under the 128 asked. Short strings also keep the test quick:
// grammar-constrained sampling over Gemma's 262k-token vocabulary runs at a few tokens a second on
// 2 cores.
const tools = {
  get_weather: {
    description: 'The weather forecast for a city',
    arguments: z.strictObject({
      city: z.string().min(1).max(24),
      unit: z.enum(['celsius', 'fahrenheit']),
    }),
  },
  set_timer: {
    description: 'Start a countdown timer',
    arguments: z.strictObject({
      minutes: z.number().int(),
      label: z.string().max(16),
    }),
  },
  send_message: {
    description: 'Send a text message to a contact',
    arguments: z.strictObject({
      to: z.string().min(1).max(24),
      text: z.string().min(1).max(40),
    }),
  },
  search_books: {
    description: 'Search the personal library of books',
    arguments: z.strictObject({
      query: z.string().min(1).max(32),
      language: z.enum(['en', 'fr']),
    }),
  },
} as const;
type ToolName = keyof typeof tools;

const openAiTools = Object.entries(tools).map(([name, tool]) => ({
  type: 'function' as const,
  function: { name, description: tool.description, parameters: z.toJSONSchema(tool.arguments) },
}));

// Written for this test, before any run; each names its tool's need without the tool's name.
const requests: ReadonlyArray<readonly [string, ToolName]> = [
  ['What is the weather like in Lyon today?', 'get_weather'],
  ['Will it rain in Seattle tomorrow?', 'get_weather'],
  ['Quel temps fait-il à Marseille ?', 'get_weather'],
  ['Est-ce qu’il va neiger à Grenoble ce week-end ?', 'get_weather'],
  ['How hot is it in Phoenix right now, in fahrenheit?', 'get_weather'],
  ['Set a timer for 10 minutes for the pasta.', 'set_timer'],
  ['Remind me in 25 minutes to take the cake out of the oven.', 'set_timer'],
  ['Lance un minuteur de 5 minutes pour le thé.', 'set_timer'],
  ['Start a three-minute countdown for the eggs.', 'set_timer'],
  ['Mets un compte à rebours de 45 minutes.', 'set_timer'],
  ['Text Alice that I will be late for dinner.', 'send_message'],
  ['Send a message to Bob: the meeting moved to 3 pm.', 'send_message'],
  ['Envoie un message à Claire pour lui dire que je suis arrivé.', 'send_message'],
  ['Tell Mom I love her.', 'send_message'],
  ['Écris à Julien que le train a du retard.', 'send_message'],
  ['Find books about whales in my library.', 'search_books'],
  ['Do I have any novels by Jules Verne?', 'search_books'],
  ['Cherche les livres de Voltaire dans ma bibliothèque.', 'search_books'],
  ['Which of my books talk about the French Revolution?', 'search_books'],
  ['Trouve un livre sur les jardins japonais.', 'search_books'],
];

describeRequiring({ models: ['gemma-3-270m'] }, 'tool calls with Gemma 3 270M on the embedded worker', () => {
  const gateway = useQuietGateway(async () => {
    const [brainPort] = (await freePorts(1)) as [number];
    // The forced call's prompt is the tools' documentation and the request (about 220 tokens), so a
    // 512-token context holds it and the call.
    return { budgetGb: 4, workers: [gemmaEmbeddedWorkerEntry(brainPort, { contextSize: 512 })] };
  }, 60_000);

  it('returns a call with its schema’s shape for each of 20 requests, and counts the right tools', async () => {
    const started = performance.now();
    const outcomes: { request: string; expected: ToolName; chosen: string; arguments: string }[] = [];
    // Token counts from each response's usage: the prompt shows what the tools' documentation costs,
    // the completion what the call's JSON costs.
    let promptTokens = 0;
    let completionTokens = 0;
    for (const [request, expected] of requests) {
      const response = await postJson(`${gateway.url}/v1/chat/completions`, {
        model: 'brain',
        messages: [{ role: 'user', content: request }],
        tools: openAiTools,
        tool_choice: 'required',
        temperature: 0,
        max_tokens: 128,
      });
      expect(response.status).toBe(200);
      const body = await response.json();
      promptTokens += body.usage.prompt_tokens;
      completionTokens += body.usage.completion_tokens;
      const choice = body.choices[0];
      // A call cut short by max_tokens is reported as `length` with no call: that would fail here.
      expect(choice.finish_reason, `${request}: ${JSON.stringify(choice.message)}`).toBe('tool_calls');
      expect(choice.message.tool_calls).toHaveLength(1);
      const call = choice.message.tool_calls[0];
      expect(call.type).toBe('function');
      expect(Object.keys(tools)).toContain(call.function.name);
      const schema = tools[call.function.name as ToolName].arguments;
      const checked = schema.safeParse(JSON.parse(call.function.arguments));
      expect(checked.success, `${request}: ${call.function.arguments} ${checked.error?.message ?? ''}`).toBe(
        true,
      );
      outcomes.push({ request, expected, chosen: call.function.name, arguments: call.function.arguments });
    }
    const right = outcomes.filter((outcome) => outcome.chosen === outcome.expected).length;
    const seconds = (performance.now() - started) / 1000;
    const chosenCounts = Object.fromEntries(
      Object.keys(tools).map((name) => [name, outcomes.filter((outcome) => outcome.chosen === name).length]),
    );
    console.log(
      `[real tool calls] right tool ${right} of ${requests.length} (chance: 5 of 20); chosen ${JSON.stringify(chosenCounts)}; tokens per request: prompt ${(promptTokens / requests.length).toFixed(1)}, completion ${(completionTokens / requests.length).toFixed(1)}; ${seconds.toFixed(1)} s`,
    );
    for (const outcome of outcomes)
      console.log(
        `[real tool calls] ${outcome.chosen === outcome.expected ? 'right' : 'WRONG'} ${JSON.stringify(outcome.request)} → ${outcome.chosen} ${outcome.arguments}`,
      );
    expect(outcomes).toHaveLength(requests.length);
  }, 600_000);
});
