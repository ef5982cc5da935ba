import { ToolFailure } from '@klody/mcp';
import { mebibyte } from '@klody/service';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { synthesizeSpeech } from '../speech/index.js';
import { guardVocalBrainTool } from './guard-vocalbrain-tool.js';
import type { VocalBrainMcpServices } from './vocalbrain-mcp-services.js';

/**
 * The longest text `speak` says in one call: about a minute of speech at the normal rate, a WAV of
 * some 3 MB. Longer texts are what VocalBrain's jobs are for (they are split, resumed after a
 * restart and normalised).
 */
export const maxSpeakTextLength = 1_000;

/**
 * The largest audio `speak` answers: it travels back in base64 inside one JSON-RPC message, and the
 * SDK's stdio client refuses messages over 10 MB by default (6 MiB is 8 MiB of base64). A slow rate
 * can stretch a long text past it: the answer then says to ask for mp3, a faster rate or less text.
 */
export const maxSpeakAudioBytes = 6 * mebibyte;

/** pcm is left out: raw samples without a header, which no MCP client can play. */
const speakFormats = ['wav', 'mp3', 'opus'] as const;

/** `speak`: a text in, its audio out as MCP audio content, with one line on who spoke and how long. */
export function registerSpeakTool(server: McpServer, services: VocalBrainMcpServices): void {
  server.registerTool(
    'speak',
    {
      title: 'Speak a text',
      description: [
        "Speaks a text aloud with VocalBrain's local engines (espeak-ng, Piper when installed) and",
        'answers the audio (WAV by default) with a line saying how long it lasts and which engine and',
        `voice spoke. At most ${maxSpeakTextLength} characters and ${maxSpeakAudioBytes / mebibyte} MiB of audio per`,
        "call; for longer texts use VocalBrain's jobs (POST /api/jobs). Without voice or model, VocalBrain's router picks the",
        "engine and voice for the text's language.",
      ].join(' '),
      inputSchema: {
        text: z
          .string()
          .trim()
          .min(1, 'text is empty: nothing to say')
          .max(
            maxSpeakTextLength,
            `text is longer than ${maxSpeakTextLength} characters: split it, or use VocalBrain's jobs (POST /api/jobs)`,
          )
          .describe('What to say (English, French, or any language espeak-ng speaks)'),
        voice: z
          .string()
          .trim()
          .min(1)
          .optional()
          .describe("engine/voice (espeak-ng/fr-fr, piper/joe), a voice id, or a voice profile's name"),
        model: z
          .string()
          .trim()
          .min(1)
          .optional()
          .describe('An engine (espeak-ng, piper), a gateway alias, a voice profile, or auto (the router)'),
        language: z
          .string()
          .trim()
          .min(1)
          .optional()
          .describe("The text's language (en, fr, de…); detected from the text otherwise"),
        speed: z.number().min(0.25).max(4).optional().describe('Speaking rate, 0.25 to 4 (1 is normal)'),
        format: z
          .enum(speakFormats)
          .optional()
          .describe('wav (default), mp3 or opus (mp3 and opus need ffmpeg on the machine)'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ text, voice, model, language, speed, format }, extra) =>
      guardVocalBrainTool(services, 'speak', async () => {
        const speech = await synthesizeSpeech(
          services,
          { input: text, voice, model, language, speed },
          { format: format ?? 'wav', signal: extra.signal },
        );
        const { speaker } = speech;
        if (speech.audio.byteLength > maxSpeakAudioBytes)
          throw new ToolFailure(
            `speak failed: the ${speech.format} audio is ${(speech.audio.byteLength / mebibyte).toFixed(1)} MiB (${speech.duration.toFixed(0)} s), more than the ${maxSpeakAudioBytes / mebibyte} MiB one answer carries: ask for format mp3, a faster speed or a shorter text`,
            'audio_too_large',
          );
        const summary = {
          duration: speech.duration,
          engine: speaker.engine.id,
          voice: speaker.voice ?? null,
          profile: speaker.profile,
          format: speech.format,
          mimeType: speech.contentType,
          sampleRate: speech.sampleRate,
          route: speaker.route,
        };
        const who = `${speaker.engine.id}, voice ${speaker.voice ?? '(chosen by the gateway)'}${speaker.profile ? ` (profile ${speaker.profile})` : ''}`;
        return {
          content: [
            {
              type: 'audio',
              data: Buffer.from(speech.audio).toString('base64'),
              mimeType: speech.contentType,
            },
            {
              type: 'text',
              text: `${speech.duration.toFixed(2)} s of speech (${speech.format}, ${speech.sampleRate} Hz) by ${who}.`,
            },
          ],
          structuredContent: summary,
        };
      }),
  );
}
