// The credentials a remote worker gets: the registry's `upstreamApiKey` (the gateway's key for that
// server), never the client's own (forwardHeaders drops those). OpenAI-compatible servers read it as a
// bearer; Anthropic's Messages API reads `x-api-key`, so /v1/messages carries both.
import type { OutgoingHttpHeaders } from 'node:http';
import { isRemote, type WorkerConfig } from '../registry/index.js';

export function upstreamCredentials(route: string, config: WorkerConfig | undefined): OutgoingHttpHeaders {
  if (!config || !isRemote(config) || config.upstreamApiKey === undefined) return {};
  const key = config.upstreamApiKey;
  return route === 'messages'
    ? { authorization: `Bearer ${key}`, 'x-api-key': key }
    : { authorization: `Bearer ${key}` };
}
