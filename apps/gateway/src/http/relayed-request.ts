// A request to a relayed /v1 route, read and checked: the model it names, and its body, parsed when it
// is JSON (to rewrite parameters) or kept as it came when it is a multipart upload (audio).
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/index.js';
import { checkRequestNumbers } from '../openai/index.js';
import { readBody } from './read-body.js';

export type RelayedRequest =
  | { kind: 'json'; model: string; json: Record<string, unknown>; raw: Buffer }
  | { kind: 'multipart'; model: string; raw: Buffer };

/**
 * Reads the body (within `limitBytes`) and finds its model. `knownAliases` only words the error of a
 * request without a model.
 */
export async function readRelayedRequest(
  incoming: IncomingMessage,
  options: { contentType: string; limitBytes: number; knownAliases: () => readonly string[] },
): Promise<RelayedRequest> {
  const raw = await readBody(incoming, options.limitBytes);
  if (options.contentType.toLowerCase().startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(raw, { headers: { 'content-type': options.contentType } }).formData();
    } catch (error) {
      throw new GatewayError(
        'invalid_request',
        `the multipart body cannot be read: ${(error as Error).message}`,
      );
    }
    const field = form.get('model');
    if (typeof field !== 'string' || field === '')
      throw new GatewayError('invalid_request', 'the form needs a "model" field');
    return { kind: 'multipart', model: field, raw };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new GatewayError('invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new GatewayError('invalid_request', 'the body must be a JSON object');
  }
  const json = parsed as Record<string, unknown>;
  if (typeof json.model !== 'string' || json.model === '') {
    throw new GatewayError(
      'invalid_request',
      `"model" is required; known aliases: ${options.knownAliases().join(', ')}`,
    );
  }
  const problem = checkRequestNumbers(json);
  if (problem) throw new GatewayError('invalid_request', problem);
  return { kind: 'json', model: json.model, json, raw };
}
