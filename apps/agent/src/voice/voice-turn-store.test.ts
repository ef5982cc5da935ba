import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { VoiceTurnMetrics } from './voice-protocol.js';
import { createVoiceTurnStore } from './voice-turn-store.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const metrics = (endToEndMs: number | null, interrupted = false): VoiceTurnMetrics => ({
  transcriptionMs: 400,
  endOfTurnMs: 600,
  modelFirstTokenMs: 300,
  modelFirstSentenceMs: 700,
  speechFirstByteMs: 200,
  endToEndMs,
  modelTotalMs: 2000,
  interrupted,
});

describe('the voice turns store', () => {
  it('keeps every turn across a restart and exposes each stage as a histogram in seconds', () => {
    const folder = mkdtempSync(join(tmpdir(), 'klody-voice-turns-'));
    folders.push(folder);
    const path = join(folder, 'agent.db');
    const first = new Database(path);
    const store = createVoiceTurnStore(first);
    store.record({
      sessionId: 's1',
      turnId: 't1',
      transcript: 'bonjour',
      answer: 'Bonjour !',
      metrics: metrics(1200),
      at: 1,
    });
    store.record({
      sessionId: 's1',
      turnId: 't2',
      transcript: 'raconte',
      answer: 'Il était…',
      metrics: metrics(2600, true),
      at: 2,
    });
    first.close();

    const reopened = createVoiceTurnStore(new Database(path));
    expect(reopened.latest().map((turn) => turn.turnId)).toEqual(['t2', 't1']);
    expect(reopened.latest()[0]?.metrics.interrupted).toBe(true);
    const text = reopened.renderMetrics();
    expect(text).toContain('# TYPE klody_agent_voice_stage_seconds histogram');
    expect(text).toContain('klody_agent_voice_stage_seconds_bucket{stage="end_to_end",le="1.5"} 1');
    expect(text).toContain('klody_agent_voice_stage_seconds_bucket{stage="end_to_end",le="3"} 2');
    expect(text).toContain('klody_agent_voice_stage_seconds_sum{stage="end_to_end"} 3.8');
    expect(text).toContain('klody_agent_voice_stage_seconds_count{stage="transcription"} 2');
    expect(text).toContain('klody_agent_voice_turns_total{interrupted="true"} 1');
    expect(text).toContain('klody_agent_voice_turns_total{interrupted="false"} 1');
  });

  it('leaves out a stage a turn never reached', () => {
    const store = createVoiceTurnStore(new Database(':memory:'));
    store.record({
      sessionId: null,
      turnId: null,
      transcript: '',
      answer: '',
      metrics: metrics(null),
      at: 1,
    });
    const text = store.renderMetrics();
    expect(text).not.toContain('stage="end_to_end"');
    expect(text).toContain('klody_agent_voice_stage_seconds_count{stage="transcription"} 1');
  });
});
