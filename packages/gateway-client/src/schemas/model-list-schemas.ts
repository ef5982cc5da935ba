// The gateway's model list (`GET /v1/models`), the OpenAI-compatible route that says which aliases
// it routes. Only `id` is required: the same client may be pointed at any OpenAI-compatible server
// (llama-server, vLLM), whose entries carry other fields; the gateway adds the worker behind each id.
import { z } from 'zod';

export const modelEntrySchema = z
  .object({
    /** An alias or a worker name: what a request's `model` may say. */
    id: z.string(),
    /** The gateway's worker that serves this id (the Klody gateway only). */
    worker: z.string().optional(),
    /** The worker's kind, `chat`, `embedding`, `rerank`, `tts` or `stt` (the Klody gateway only). */
    kind: z.string().optional(),
    /** Whether the worker is a remote URL the gateway routes to without managing it. */
    remote: z.boolean().optional(),
    /** `stopped`, `loading`, `ready`, `failed` or `remote` (the Klody gateway only). */
    state: z.string().optional(),
    /** The model's context length in tokens; null while unknown (the Klody gateway only). */
    context_length: z.number().nullable().optional(),
  })
  .loose();
export type ModelEntry = z.infer<typeof modelEntrySchema>;

/** One entry per id; the Klody gateway lists each worker's name and each of its aliases. */
export const modelListResponseSchema = z.object({ data: z.array(modelEntrySchema) }).loose();
export type ModelListResponse = z.infer<typeof modelListResponseSchema>;
