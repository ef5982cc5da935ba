// Every spoken turn's metrics, kept in agent.db beside the turns themselves (so `/metrics` survives a
// restart and a slow week can be looked at later), and their Prometheus exposition.
import { Histogram } from '@klody/service';
import type Database from 'better-sqlite3';
import type { VoiceTurnMetrics } from './voice-protocol.js';
import type { VoiceTurnRecord } from './voice-session.js';

export interface VoiceTurnStore {
  record(record: VoiceTurnRecord): void;
  /** The latest turns, newest first. */
  latest(limit?: number): VoiceTurnRecord[];
  /** `/metrics`: one histogram per stage (seconds) and the interrupted turns. */
  renderMetrics(): string;
}

const stages: ReadonlyArray<[keyof Omit<VoiceTurnMetrics, 'interrupted'>, string]> = [
  ['transcriptionMs', 'transcription'],
  ['endOfTurnMs', 'end_of_turn'],
  ['modelFirstTokenMs', 'model_first_token'],
  ['modelFirstSentenceMs', 'model_first_sentence'],
  ['speechFirstByteMs', 'speech_first_byte'],
  ['endToEndMs', 'end_to_end'],
  ['modelTotalMs', 'model_total'],
];

const buckets = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60];

const schema = `
  CREATE TABLE IF NOT EXISTS agent_voice_turns (
    id INTEGER PRIMARY KEY,
    session_id TEXT,
    turn_id TEXT,
    transcript TEXT NOT NULL,
    answer TEXT NOT NULL,
    metrics TEXT NOT NULL,
    interrupted INTEGER NOT NULL,
    at INTEGER NOT NULL
  )
`;

interface Row {
  session_id: string | null;
  turn_id: string | null;
  transcript: string;
  answer: string;
  metrics: string;
  at: number;
}

export function createVoiceTurnStore(connection: Database.Database): VoiceTurnStore {
  connection.exec(schema);
  const insert = connection.prepare(
    `INSERT INTO agent_voice_turns (session_id, turn_id, transcript, answer, metrics, interrupted, at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const latest = connection.prepare('SELECT * FROM agent_voice_turns ORDER BY id DESC LIMIT ?');
  const all = connection.prepare('SELECT metrics FROM agent_voice_turns');
  const toRecord = (row: Row): VoiceTurnRecord => ({
    sessionId: row.session_id,
    turnId: row.turn_id,
    transcript: row.transcript,
    answer: row.answer,
    metrics: JSON.parse(row.metrics) as VoiceTurnMetrics,
    at: row.at,
  });
  return {
    record(record) {
      insert.run(
        record.sessionId,
        record.turnId,
        record.transcript,
        record.answer,
        JSON.stringify(record.metrics),
        record.metrics.interrupted ? 1 : 0,
        record.at,
      );
    },
    latest: (limit = 20) => (latest.all(limit) as Row[]).map(toRecord),
    renderMetrics() {
      const histogram = new Histogram(
        'klody_agent_voice_stage_seconds',
        'Spoken turns: each stage of the loop (transcription, end of turn, model first token and sentence, speech first byte, end to end: the user stopped speaking → the first audio byte out, model total).',
        buckets,
      );
      let turns = 0;
      let interrupted = 0;
      for (const row of all.iterate() as Iterable<{ metrics: string }>) {
        const metrics = JSON.parse(row.metrics) as VoiceTurnMetrics;
        turns++;
        if (metrics.interrupted) interrupted++;
        for (const [key, stage] of stages) {
          const value = metrics[key];
          if (value !== null) histogram.observe({ stage }, value / 1000);
        }
      }
      return [
        histogram.render(),
        '# HELP klody_agent_voice_turns_total Spoken turns, by whether the user interrupted Klody.',
        '# TYPE klody_agent_voice_turns_total counter',
        `klody_agent_voice_turns_total{interrupted="false"} ${turns - interrupted}`,
        `klody_agent_voice_turns_total{interrupted="true"} ${interrupted}`,
        '',
      ].join('\n');
    },
  };
}
