// The OpenAI request bodies the embedded worker accepts, validated with zod. Unknown fields pass
// (clients send many); the ones we use are checked.
import { z } from 'zod';
import { samplingParameterSchemas as parameters } from '../openai/index.js';

const contentPart = z.object({ type: z.string(), text: z.string().optional() }).passthrough();
const content = z.union([z.string(), z.array(contentPart), z.null()]).optional();

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function').default('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const chatMessageSchema = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
    content,
    name: z.string().optional(),
    tool_calls: z.array(toolCall).optional(),
    tool_call_id: z.string().optional(),
  })
  .passthrough();
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const toolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, "_" or "-"'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type Tool = z.infer<typeof toolSchema>;

const stop = z
  .union([z.string(), z.array(z.string()).max(16)])
  .nullable()
  .optional();

const sampling = {
  model: z.string().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  max_tokens: parameters.max_tokens.nullable().optional(),
  temperature: parameters.temperature.nullable().optional(),
  top_p: parameters.top_p.nullable().optional(),
  top_k: parameters.top_k.nullable().optional(),
  min_p: parameters.min_p.nullable().optional(),
  seed: parameters.seed.nullable().optional(),
  stop,
};

export const chatRequestSchema = z
  .object({
    ...sampling,
    max_completion_tokens: parameters.max_completion_tokens.nullable().optional(),
    messages: z.array(chatMessageSchema).min(1),
    // One choice per request: a client asking for more is told so rather than silently given one.
    n: z.literal(1, 'this worker generates one choice per request (n = 1)').nullable().optional(),
    tools: z.array(toolSchema).optional(),
    tool_choice: z
      .union([
        z.enum(['none', 'auto', 'required']),
        z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
      ])
      .optional(),
    response_format: z
      .object({ type: z.enum(['text', 'json_object', 'json_schema']), json_schema: z.unknown().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();
export type ChatRequest = z.infer<typeof chatRequestSchema>;

export const completionRequestSchema = z
  .object({
    ...sampling,
    prompt: z.union([z.string(), z.array(z.string()).length(1)]),
    echo: z.boolean().optional(),
  })
  .passthrough();
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

export const embeddingRequestSchema = z
  .object({
    model: z.string().optional(),
    input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
    encoding_format: z.enum(['float', 'base64']).optional(),
  })
  .passthrough();
export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;

export function stopList(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? [value] : value).filter((item) => item.length > 0);
}
