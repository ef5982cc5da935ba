// The compose daemon: a music generator the agent can ask for a piece, off by default. Klody does not
// ship one; any local program that honours this contract can be plugged in with KLODY_AGENT_COMPOSE_URL.
//
// The contract (JSON over HTTP, on loopback):
//   POST <url>/compose
//     request:  { "prompt": string (1–2,000 characters), "duration_seconds": number (1–600) }
//     200:      { "id": string, "path": string }  the piece written to a file on this machine, or
//               { "id": string, "url": string }   where the piece can be fetched or played;
//               either may carry "duration_seconds": number (how long the piece really is).
//     error:    any 4xx/5xx, ideally with { "error": { "code": string, "message": string } }.
// It may take a while (it generates the piece before answering); the agent waits up to its time limit.
import { z } from 'zod';
import { type Organ, readJson, requestOrgan } from './organ-request.js';

export const composeDaemonName = 'the compose daemon';
export const composeURLVariable = 'KLODY_AGENT_COMPOSE_URL';

const composedSchema = z
  .object({
    id: z.string().min(1),
    path: z.string().min(1).optional(),
    url: z.string().min(1).optional(),
    duration_seconds: z.number().positive().optional(),
  })
  .refine((piece) => piece.path !== undefined || piece.url !== undefined, 'the answer has no path or url');

export interface ComposedPiece {
  id: string;
  /** Where the piece is: a file path or a URL, as the daemon said. */
  path: string | null;
  url: string | null;
  durationSeconds: number | null;
}

export interface ComposeClient {
  readonly url: string;
  compose(
    request: { prompt: string; durationSeconds: number },
    options?: { signal?: AbortSignal },
  ): Promise<ComposedPiece>;
}

export interface ComposeClientOptions {
  url: string;
  apiKey?: string | null;
  /** Longest wait for a piece (default 600 s: a daemon generates before it answers). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export function createComposeClient(options: ComposeClientOptions): ComposeClient {
  const organ: Organ = {
    name: composeDaemonName,
    url: options.url,
    urlVariable: composeURLVariable,
    apiKey: options.apiKey ?? null,
    timeoutMs: options.timeoutMs ?? 600_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  return {
    url: options.url,
    async compose({ prompt, durationSeconds }, { signal } = {}) {
      const piece = await requestOrgan(organ, {
        method: 'POST',
        path: '/compose',
        json: { prompt, duration_seconds: durationSeconds },
        signal,
        read: readJson(composedSchema),
      });
      return {
        id: piece.id,
        path: piece.path ?? null,
        url: piece.url ?? null,
        durationSeconds: piece.duration_seconds ?? null,
      };
    },
  };
}
