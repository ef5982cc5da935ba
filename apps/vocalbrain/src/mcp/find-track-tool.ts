import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type FoundTrack, maxFindDescriptionLength, maxFindLimit } from '../library/index.js';
import { guardVocalBrainTool } from './guard-vocalbrain-tool.js';
import type { VocalBrainMcpServices } from './vocalbrain-mcp-services.js';

const foundTrackSchema = z.object({
  id: z.number(),
  title: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  words: z.string().nullable(),
  duration: z.number(),
  rank: z.number(),
  score: z.number(),
  audioUrl: z.string(),
});

function line(track: FoundTrack): string {
  const tags = track.tags.length > 0 ? ` [${track.tags.join(', ')}]` : '';
  return `${track.rank}. track ${track.id} "${track.title}" (score ${track.score.toFixed(3)}, ${track.duration.toFixed(1)} s): ${track.description}${tags}`;
}

/** `find_track`: a description in, the library's best matching tracks out, best first. */
export function registerFindTrackTool(server: McpServer, services: VocalBrainMcpServices): void {
  server.registerTool(
    'find_track',
    {
      title: 'Find a track in the audio library',
      description: [
        'Finds tracks of VocalBrain\'s audio library by what they sound like ("a sad piano song",',
        '« un orage la nuit »): by meaning when the gateway serves an embedder, else by words. Answers',
        'the best matches first, with their ids, titles and scores (comparable within one answer only).',
      ].join(' '),
      inputSchema: {
        description: z
          .string()
          .trim()
          .min(1, 'description is empty: say what the track sounds like')
          .max(maxFindDescriptionLength)
          .describe('What the track sounds like, in any language'),
        k: z
          .number()
          .int()
          .min(1)
          .max(maxFindLimit)
          .optional()
          .describe(`How many tracks, 1 to ${maxFindLimit} (default 5)`),
      },
      outputSchema: {
        query: z.string(),
        tracks: z.array(foundTrackSchema),
        mode: z.enum(['hybrid', 'vector', 'lexical']),
        embedder: z.string().nullable(),
        note: z.string().nullable(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ description, k }, extra) =>
      guardVocalBrainTool(services, 'find_track', async () => {
        const answer = await services.library.find(description, { limit: k ?? 5, signal: extra.signal });
        const tracks = answer.tracks.map(
          ({ id, title, description: about, tags, words, duration, rank, score, audioUrl }) => ({
            id,
            title,
            description: about,
            tags,
            words,
            duration,
            rank,
            score,
            audioUrl,
          }),
        );
        const how =
          answer.mode === 'lexical'
            ? `by words${answer.note ? ` (${answer.note})` : ''}`
            : `by meaning (${answer.embedder})`;
        const text =
          answer.tracks.length === 0
            ? `No track matches "${description}" (searched ${how}).`
            : [
                `${answer.tracks.length} track${answer.tracks.length === 1 ? '' : 's'} for "${description}", found ${how}:`,
                ...answer.tracks.map(line),
              ].join('\n');
        return {
          content: [{ type: 'text', text }],
          structuredContent: { query: description, ...answer, tracks },
        };
      }),
  );
}
