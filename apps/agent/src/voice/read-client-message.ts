import { type VoiceClientMessage, voiceClientMessageSchema } from './voice-protocol.js';

export type ClientMessageReading = { ok: true; message: VoiceClientMessage } | { ok: false; problem: string };

/** A text frame as a client message: JSON, then `voiceClientMessageSchema`; the first problem named. */
export function readClientMessage(text: string): ClientMessageReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'a text frame must be a JSON message' };
  }
  const result = voiceClientMessageSchema.safeParse(value);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, problem: `${where}${issue?.message ?? 'not a voice message'}` };
}
