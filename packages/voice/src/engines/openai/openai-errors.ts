import { VoiceError, type VoiceErrorCode } from '../../errors/index.js';

const passThroughCodes = new Set<VoiceErrorCode>([
  'empty_text',
  'text_too_long',
  'unknown_language',
  'unknown_voice',
  'unknown_model',
  'invalid_audio',
  'empty_audio',
  'unsupported_audio',
  'invalid_options',
  'invalid_phrases',
  'engine_unavailable',
]);

/**
 * Turns a server's error answer into a VoiceError that names the problem: our own worker's codes
 * pass through; otherwise a 404 or a message about the model is `unknown_model`, a message about
 * the voice is `unknown_voice`, anything else is `remote_error` with the status and the server's words.
 */
export async function remoteError(response: Response, engine: string, model: string): Promise<VoiceError> {
  const body = await response.text().catch(() => '');
  let code: string | undefined;
  let message = body.trim().slice(0, 500);
  try {
    const parsed = JSON.parse(body) as {
      error?: { code?: unknown; message?: unknown } | string;
      detail?: unknown;
    };
    if (typeof parsed.error === 'object' && parsed.error) {
      code = typeof parsed.error.code === 'string' ? parsed.error.code : undefined;
      if (typeof parsed.error.message === 'string') message = parsed.error.message;
    } else if (typeof parsed.error === 'string') {
      message = parsed.error;
    } else if (typeof parsed.detail === 'string') {
      message = parsed.detail; // FastAPI servers (speaches) answer {"detail": "..."}
    }
  } catch {
    // Not JSON: keep the raw text (an HTML error page, a proxy's message).
  }
  const where = `${engine} (HTTP ${response.status})`;
  if (code && passThroughCodes.has(code as VoiceErrorCode)) {
    return new VoiceError(code as VoiceErrorCode, `${where}: ${message}`, {
      details: { status: response.status },
    });
  }
  if (
    code === 'model_not_found' ||
    (response.status === 404 && /model/i.test(message)) ||
    (response.status === 404 && !message)
  ) {
    return new VoiceError(
      'unknown_model',
      `${where}: the server has no model "${model}"${message ? ` (${message})` : ''}`,
      {
        details: { status: response.status },
      },
    );
  }
  if (
    (response.status === 400 || response.status === 404 || response.status === 422) &&
    /voice/i.test(message)
  ) {
    return new VoiceError('unknown_voice', `${where}: ${message}`, { details: { status: response.status } });
  }
  return new VoiceError('remote_error', `${where}: ${message || response.statusText || 'no error message'}`, {
    details: { status: response.status },
  });
}

/** `fetch` failures (refused connection, DNS, abort) as VoiceErrors naming the URL. */
export function fetchFailure(error: unknown, engine: string, url: string): VoiceError {
  if (VoiceError.isInstance(error)) return error;
  if (error instanceof Error && error.name === 'AbortError')
    return new VoiceError('aborted', `${engine}: cancelled`);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return new VoiceError('engine_unavailable', `${engine}: cannot reach ${url}${cause}`, { cause: error });
}
