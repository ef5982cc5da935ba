// compose (write): asks the compose daemon (src/organs/compose-client.ts states its contract) for a
// piece of music. Registered only when KLODY_AGENT_COMPOSE_URL is set: there is no daemon by default.
import { z } from 'zod';
import type { ComposeClient } from '../organs/compose-client.js';
import { defineTool } from './define-tool.js';
import { capText } from './tool-text.js';

export function createComposeTool(compose: ComposeClient) {
  return defineTool({
    name: 'compose',
    description: 'Compose a piece of music from a description. Returns where the piece is saved.',
    inputSchema: z.object({
      prompt: z.string().trim().min(1).max(2_000).describe('The music wanted: mood, instruments, style'),
      seconds: z.number().int().min(5).max(300).optional().describe('Length in seconds (default 30)'),
    }),
    effect: 'write',
    // What the daemon says (an id, a path) comes from a program the agent does not own.
    untrustedOutput: true,
    async execute({ prompt, seconds }, context) {
      const piece = await compose.compose(
        { prompt, durationSeconds: seconds ?? 30 },
        { signal: context.signal },
      );
      const where = capText(piece.path ?? piece.url ?? '', 500);
      const length = piece.durationSeconds === null ? '' : ` (${Math.round(piece.durationSeconds)} s)`;
      return { text: `Composed piece ${capText(piece.id, 100)}${length}: ${where}`, data: piece };
    },
  });
}
