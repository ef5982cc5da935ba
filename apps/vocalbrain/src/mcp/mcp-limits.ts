import { mebibyte } from '@klody/service';
import type { VocalBrainConfig } from '../config/config.js';

/** Room left in a request for the JSON-RPC envelope and the other arguments beside the audio. */
const envelopeBytes = 64 * 1024;

export interface McpLimits {
  /** The largest request body `/mcp` reads. */
  bodyBytes: number;
  /** The longest base64 text `transcribe` takes as `audio`. */
  audioBase64Characters: number;
  /** The largest audio file that fits, once decoded (base64 spends 4 characters on 3 bytes). */
  audioBytes: number;
}

/**
 * `transcribe` gets its audio inside the JSON-RPC request, in base64: the `/mcp` body limit is the
 * audio upload ceiling (CONTRACTS.md: 64 MiB), and the audio itself can be about three quarters of
 * it. stdio has no body limit of its own; the same argument limit applies there, so that both
 * transports accept the same calls.
 */
export function mcpLimits(config: Pick<VocalBrainConfig, 'audioBodyLimitBytes'>): McpLimits {
  const bodyBytes = config.audioBodyLimitBytes;
  const audioBase64Characters = Math.floor((bodyBytes - envelopeBytes) / 4) * 4;
  return { bodyBytes, audioBase64Characters, audioBytes: (audioBase64Characters / 4) * 3 };
}

/** `47 MiB`, `64 MiB`: limits as the tool descriptions state them (rounded down). */
export function inMebibytes(bytes: number): string {
  return `${Math.floor(bytes / mebibyte)} MiB`;
}
