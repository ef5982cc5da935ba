// The forced tool call's documentation: what the model is told about the tools, and where in the
// history it goes. Rendered through node-llama-cpp's GeneralChatWrapper too (plain JavaScript, no
// model), to show the text reaches the prompt a forced call is generated from.
import { type ChatHistoryItem, GeneralChatWrapper } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import type { Tool } from './chat-request.js';
import { forcedToolCallDocumentation, withForcedToolCallDocumentation } from './tool-documentation.js';

const weather: Tool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather forecast for a city',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string', description: 'The city, without its country', minLength: 1, maxLength: 24 },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'], description: 'Temperature unit' },
        days: { type: 'integer' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
        where: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } } },
        note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      },
      required: ['city', 'unit', 'days', 'tags', 'where', 'note'],
    },
  },
};
const clock: Tool = { type: 'function', function: { name: 'get_time' } };

describe('forcedToolCallDocumentation', () => {
  it('documents only the arguments the forced call can write: the required ones', () => {
    const optional: Tool = {
      type: 'function',
      function: {
        name: 'search',
        description: 'Search the books',
        parameters: {
          type: 'object',
          properties: { query: { type: 'string' }, limit: { type: 'integer' } },
          required: ['query'],
        },
      },
    };
    expect(forcedToolCallDocumentation([optional]).split('\n').slice(3)).toEqual([
      'search: Search the books',
      '  query (string)',
    ]);
  });

  it('lists each tool with its description and each parameter with its type, bounds and description', () => {
    const text = forcedToolCallDocumentation([weather, clock]);
    expect(text.split('\n')).toEqual([
      'Answer with a call to one of these tools, as a JSON object {"name": <tool name>, "arguments": {<parameter>: <value>, …}}. Choose the tool whose description fits the request, and take the argument values from the request.',
      '',
      'Tools:',
      'get_weather: The weather forecast for a city',
      '  city (string, 1 to 24 characters): The city, without its country',
      '  unit ("celsius" | "fahrenheit"): Temperature unit',
      '  days (integer)',
      '  tags (array of string, at most 3 items)',
      '  where ({lat: number, lon: number})',
      '  note (string | null)',
      'get_time: (no description) (no arguments)',
    ]);
  });

  it('documents only the tools it is given (a named function: that one)', () => {
    const text = forcedToolCallDocumentation([clock]);
    expect(text).toContain('get_time');
    expect(text).not.toContain('get_weather');
  });
});

describe('withForcedToolCallDocumentation', () => {
  const history: ChatHistoryItem[] = [
    { type: 'system', text: 'Be brief.' },
    { type: 'user', text: 'Weather in Lyon?' },
    { type: 'model', response: [] },
  ];

  it('places the documentation after the leading system messages, before the conversation', () => {
    const documented = withForcedToolCallDocumentation(history, [weather]);
    expect(documented.map((item) => item.type)).toEqual(['system', 'system', 'user', 'model']);
    expect(documented[0]).toEqual(history[0]);
    expect(documented[1]).toEqual({ type: 'system', text: forcedToolCallDocumentation([weather]) });
    expect(documented.slice(2)).toEqual(history.slice(1));
    expect(history).toHaveLength(3);
  });

  it('puts it first when the history has no system message', () => {
    const documented = withForcedToolCallDocumentation(history.slice(1), [weather]);
    expect(documented.map((item) => item.type)).toEqual(['system', 'user', 'model']);
  });

  it('reaches the rendered prompt', () => {
    const rendered = new GeneralChatWrapper()
      .generateContextState({ chatHistory: withForcedToolCallDocumentation(history, [weather, clock]) })
      .contextText.toString();
    expect(rendered).toContain('get_weather: The weather forecast for a city');
    expect(rendered).toContain('  unit ("celsius" | "fahrenheit"): Temperature unit');
    expect(rendered.indexOf('Be brief.')).toBeLessThan(rendered.indexOf('Tools:'));
    expect(rendered.indexOf('Tools:')).toBeLessThan(rendered.indexOf('Weather in Lyon?'));
  });
});
