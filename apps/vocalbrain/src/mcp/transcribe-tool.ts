import { findExecutable } from '@klody/voice';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { chooseTranscriptionEngine } from '../engines/choose-transcription-engine.js';
import { audioFormatOf, ffmpegFormats, readTrackAudio } from '../library/index.js';
import { guardVocalBrainTool } from './guard-vocalbrain-tool.js';
import { inMebibytes, mcpLimits } from './mcp-limits.js';
import type { VocalBrainMcpServices } from './vocalbrain-mcp-services.js';

/** The most expected phrases one call may give (pocketsphinx builds a grammar of them). */
const maxPhrases = 200;

const segmentSchema = z.object({ start: z.number(), end: z.number(), text: z.string() });

/** `transcribe`: audio in base64 in, its words out (text, language, segments), as text and structured content. */
export function registerTranscribeTool(server: McpServer, services: VocalBrainMcpServices): void {
  const limits = mcpLimits(services.config);
  const formats = ['wav', ...Object.keys(ffmpegFormats)].join(', ');
  server.registerTool(
    'transcribe',
    {
      title: 'Transcribe audio',
      description: [
        "Transcribes speech with VocalBrain's local engines (faster-whisper with Whisper base when",
        'installed, else pocketsphinx) and answers the text, the language heard and timed segments.',
        `The audio travels in base64 inside the request: at most ${inMebibytes(limits.audioBytes)} of`,
        `audio (the HTTP endpoint /mcp reads requests of at most ${inMebibytes(limits.bodyBytes)}).`,
        `Formats: ${formats} (all but wav need ffmpeg on the machine).`,
      ].join(' '),
      inputSchema: {
        audio: z
          .base64("audio must be the file's bytes in base64 (standard alphabet, padded, no line breaks)")
          .min(1, 'audio is empty')
          .max(
            limits.audioBase64Characters,
            `audio is larger than ${inMebibytes(limits.audioBytes)}: send a shorter recording`,
          )
          .describe('The audio file, base64'),
        format: z
          .string()
          .trim()
          .min(1)
          .optional()
          .describe(`The file's format: ${formats}, or a MIME type such as audio/mpeg (default wav)`),
        language: z
          .string()
          .trim()
          .min(1)
          .optional()
          .describe('The language spoken (en, fr…); detected otherwise'),
        model: z
          .string()
          .trim()
          .min(1)
          .optional()
          .describe('An engine (faster-whisper or whisper-base, pocketsphinx), a gateway alias, or auto'),
        phrases: z
          .array(z.string().trim().min(1))
          .min(1)
          .max(maxPhrases)
          .optional()
          .describe('Expected phrases: pocketsphinx hears only these; Whisper takes them as a hint'),
      },
      outputSchema: {
        text: z.string(),
        language: z.string().nullable(),
        duration: z.number(),
        engine: z.string(),
        segments: z.array(segmentSchema),
        noMatch: z.string().nullable(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ audio, format, language, model, phrases }, extra) =>
      guardVocalBrainTool(services, 'transcribe', async () => {
        const engine = await chooseTranscriptionEngine(services.engines, model);
        const extension = audioFormatOf(format ?? 'wav');
        const decoded = await readTrackAudio(
          new Uint8Array(Buffer.from(audio, 'base64')),
          `audio.${extension}`,
          findExecutable(services.config.ffmpegExecutable),
        );
        const heard = await engine.speechToText.transcribe(decoded.speech, {
          ...(language ? { language } : {}),
          ...(phrases ? { phrases } : {}),
          signal: extra.signal,
        });
        const text = heard.text.trim();
        const answer = {
          text,
          language: heard.language,
          duration: heard.duration,
          engine: engine.id,
          segments: heard.segments.map(({ start, end, text: words }) => ({ start, end, text: words.trim() })),
          noMatch: heard.noMatch?.message ?? null,
        };
        const heading = `${engine.id} heard ${answer.language ?? 'an unknown language'} in ${heard.duration.toFixed(2)} s of audio`;
        return {
          content: [
            {
              type: 'text',
              text: text
                ? `${text}\n\n(${heading})`
                : `No words were heard: ${answer.noMatch ?? 'the transcript is empty'} (${heading}).`,
            },
          ],
          structuredContent: answer,
        };
      }),
  );
}
