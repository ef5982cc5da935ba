import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { synthesizeSpeech } from '../speech/index.js';
import { guardVocalBrainTool } from './guard-vocalbrain-tool.js';
import type { VocalBrainMcpServices } from './vocalbrain-mcp-services.js';

/**
 * The longest text `speak` says in one call: about two minutes of speech, a WAV of some 5 MB that
 * travels back in base64 inside one JSON-RPC message. Longer texts are what VocalBrain's jobs are
 * for (they are split, resumed after a restart and normalised).
 */
export const maxSpeakTextLength = 2_000;

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
        `voice spoke. At most ${maxSpeakTextLength} characters per call; for longer texts use`,
        "VocalBrain's jobs (POST /api/jobs). Without voice or model, VocalBrain's router picks the",
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
