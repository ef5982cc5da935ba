// `speak` and `transcribe` through VocalBrain's HTTP API, VocalBrain a real process (`pnpm vocalbrain
// serve`, no gateway): the agent's client sends `model: "auto"` by default, so VocalBrain's router
// picks among the engines installed here. (The agent's default was once the gateway alias `tts`,
// which VocalBrain answers with 404 unless its gateway serves that alias.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVocalBrain } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createVocalBrainClient } from '../src/organs/vocalbrain-client.js';
import { toolCallContext } from '../src/tools/testing/tool-call-context.js';
import { createSpeakTool, createTranscribeTool } from '../src/tools/vocalbrain-tools.js';

describeRequiring(
  { tools: ['espeak-ng'], models: ['whisper-base'] },
  'speak and transcribe through a real VocalBrain',
  () => {
    const reaper = useProcessReaper();
    const home = mkdtempSync(join(tmpdir(), 'klody-agent-vocalbrain-'));
    const audioFolder = join(home, 'audio');
    let url = '';

    beforeAll(async () => {
      url = (await startVocalBrain(reaper, { home: join(home, 'klody') })).url;
    }, 120_000);

    afterAll(async () => {
      await reaper.reapAll(10_000);
      rmSync(home, { recursive: true, force: true });
    });

    it('speaks a sentence to a WAV file, then transcribes it back', async () => {
      const vocal = createVocalBrainClient({ url, timeoutMs: 120_000 });
      const spoken = await createSpeakTool({ vocal, audioFolder }).execute(
        { text: 'The garden gate is open.' },
        toolCallContext('call-speak'),
      );
      const { path, durationSeconds } = spoken.data as { path: string; durationSeconds: number };
      expect(path.startsWith(audioFolder)).toBe(true);
      expect(durationSeconds).toBeGreaterThan(0.5);
      const heard = await createTranscribeTool({ vocal, audioFolder }).execute(
        { path },
        toolCallContext('call-hear'),
      );
      expect((heard.data as { text: string }).text.toLowerCase()).toMatch(/garden/);
    }, 180_000);
  },
);
