// The voice session's logic with named fakes around it: an energy-gate VAD (@klody/voice's fake
// stream under the real turn detector), a scripted agent, a transcriber that reads scripted texts and a
// speaker that makes a tone as long as the words. Audio is sent in real time where timing matters.
import { describe, expect, it } from 'vitest';
import { answerTurn, createFakeAgent, type FakeTurn } from '../../test/fake-agent.js';
import type { AgentEvent } from '../agent/agent-events.js';
import { harness, rate, sleep } from './testing/voice-session-harness.js';
import type { VoiceServerMessage } from './voice-protocol.js';

const longAnswer = [
  'Achab commande le Pequod. ',
  'Il poursuit la baleine blanche sur toutes les mers du monde. ',
  'Son équipage le suit malgré les présages. ',
  'Starbuck essaie de le raisonner plusieurs fois. ',
  'À la fin, la baleine détruit le navire. ',
  'Ismaël seul survit, accroché à un cercueil.',
];

describe('the voice session', () => {
  it('turns an utterance into a turn, speaks the answer by sentence and reports the turn’s metrics', async () => {
    const fake = createFakeAgent([answerTurn('session-1', ['Bonjour ', 'à toi. ', 'Il fait beau.'])]);
    const session = harness(fake, ['Salut Klody']);
    await session.say(600);
    await session.say(500, false);
    const end = await session.waitFor((message) => message.type === 'turn-end');
    expect(fake.calls[0]).toMatchObject({ method: 'send', message: 'Salut Klody' });
    const sentences = session.messages.filter((message) => message.type === 'sentence');
    expect(sentences.map((message) => message.type === 'sentence' && message.text)).toEqual([
      'Bonjour à toi.',
      'Il fait beau.',
    ]);
    expect(session.audioSamples).toBe(Math.round((rate * 150 * 6) / 1000));
    if (end.type !== 'turn-end') throw new Error('unreachable');
    expect(end.answer).toBe('Bonjour à toi. Il fait beau.');
    const { metrics } = end;
    expect(metrics.interrupted).toBe(false);
    // The VAD's silence (300 ms) is the end of turn; the rest follows it.
    expect(metrics.endOfTurnMs).toBeGreaterThanOrEqual(200);
    for (const value of [metrics.transcriptionMs, metrics.modelFirstTokenMs, metrics.speechFirstByteMs])
      expect(value).not.toBeNull();
    expect(metrics.endToEndMs).toBeGreaterThanOrEqual(metrics.endOfTurnMs ?? 0);
    expect(session.records).toHaveLength(1);
    expect(session.records[0]?.turnId).toBe('turn-1');
    await session.waitFor((message) => message.type === 'listening');
  });

  it('speaks the first sentence before the model has written the last token', async () => {
    let firstSentenceSeenBeforeEnd = false;
    const messages: VoiceServerMessage[] = [];
    const agent = {
      async *send(): AsyncIterable<AgentEvent> {
        yield { type: 'turn-start', sessionId: 's', turnId: 't' };
        yield { type: 'text-delta', text: 'Première phrase ici. ' };
        yield { type: 'text-delta', text: 'Deuxième' };
        // The model is slow to go on: the first sentence must already be on its way to speech.
        for (
          let waited = 0;
          waited < 2_000 && !messages.some((message) => message.type === 'audio-start');
          waited += 10
        )
          await sleep(10);
        firstSentenceSeenBeforeEnd = messages.some((message) => message.type === 'audio-start');
        yield { type: 'text-delta', text: ' phrase.' };
        yield {
          type: 'turn-end',
          sessionId: 's',
          turnId: 't',
          answer: 'Première phrase ici. Deuxième phrase.',
          steps: [],
          timing: { modelMs: 0, toolsMs: 0, approvalsWaitingMs: 0, totalMs: 0 },
        };
      },
      decide: () => (async function* () {})(),
      interrupt: async () => {},
    };
    const session = harness({ agent: agent as never }, ['Dis deux phrases']);
    session.messages = messages;
    await session.say(600);
    await session.say(400, false);
    const end = await session.waitFor((message) => message.type === 'turn-end');
    expect(firstSentenceSeenBeforeEnd).toBe(true);
    if (end.type !== 'turn-end') throw new Error('unreachable');
    expect(end.metrics.modelFirstSentenceMs).toBeLessThan(end.metrics.modelTotalMs ?? 0);
  });

  it('full duplex: speaking over Klody for half a second stops it, and only what was played is kept', async () => {
    const fake = createFakeAgent([answerTurn('session-1', longAnswer)]);
    const session = harness(fake, ['Raconte Moby Dick', 'Stop, merci'], { duplex: 'full' });
    await session.say(600);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'audio-start');
    await session.say(900);
    const interrupted = await session.waitFor((message) => message.type === 'interrupted');
    const end = await session.waitFor((message) => message.type === 'turn-end');
    if (interrupted.type !== 'interrupted' || end.type !== 'turn-end') throw new Error('unreachable');
    expect(end.metrics.interrupted).toBe(true);
    expect(interrupted.played.length).toBeGreaterThan(0);
    expect(interrupted.played.length).toBeLessThan(longAnswer.join('').length / 2);
    expect(longAnswer.join('').startsWith(interrupted.played.replace(/…$/, ''))).toBe(true);
    const call = fake.calls.find((candidate) => candidate.method === 'interrupt');
    expect(call).toMatchObject({
      method: 'interrupt',
      sessionId: 'session-1',
      turnId: 'turn-1',
      played: interrupted.played,
    });
    expect(end.answer).toBe(interrupted.played);
    // Playback stopped: far less audio went out than the whole answer.
    const wholeAnswerSamples = (longAnswer.join('').split(/\s+/).length * 150 * rate) / 1000;
    expect(session.audioSamples).toBeLessThan(wholeAnswerSamples / 2);
  });

  it('half duplex (the default): speech while Klody speaks is ignored, and the answer plays to its end', async () => {
    const fake = createFakeAgent([answerTurn('session-1', longAnswer.slice(0, 2))]);
    const session = harness(fake, ['Raconte Moby Dick', 'écho de Klody']);
    await session.say(600);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'audio-start');
    await session.say(900);
    await session.say(400, false);
    const end = await session.waitFor((message) => message.type === 'turn-end');
    if (end.type !== 'turn-end') throw new Error('unreachable');
    expect(end.metrics.interrupted).toBe(false);
    expect(end.answer).toBe(longAnswer.slice(0, 2).join(''));
    expect(session.messages.some((message) => message.type === 'interrupted')).toBe(false);
    expect(session.messages).toContainEqual({ type: 'ignored', reason: 'speaking' });
    expect(fake.calls.filter((call) => call.method === 'send')).toHaveLength(1);
    // The ignored speech was never transcribed.
    expect(session.heard).toEqual(['Raconte Moby Dick']);
  });

  const approvalTurn = (): FakeTurn => ({
    events: [
      { type: 'turn-start', sessionId: 'session-1', turnId: 'turn-1' },
      {
        type: 'tool-call',
        toolCallId: 'call-1',
        tool: 'home_assistant_call',
        arguments: {},
        effect: 'write',
      },
      {
        type: 'approval-request',
        approvalId: 'approval-1',
        toolCallId: 'call-1',
        tool: 'home_assistant_call',
        arguments: { domain: 'light', service: 'turn_on', entity_id: 'light.chambre' },
        effect: 'write',
        reason: 'home_assistant_call changes the world',
        expiresAt: '2026-12-02T23:00:00.000Z',
      },
      { type: 'stop', reason: 'approval_pending', question: 'Puis-je allumer la lumière de la chambre ?' },
    ],
  });

  it('takes "oui" after a spoken approval question as the approval, and "peut-être" as nothing', async () => {
    const fake = createFakeAgent([approvalTurn(), answerTurn('session-1', ['C’est allumé.'])]);
    const session = harness(fake, ['Allume la lumière de la chambre', 'Peut-être', 'Oui.']);
    await session.say(600);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'listening' && message.awaiting === 'approval');
    expect(session.messages).toContainEqual({
      type: 'sentence',
      index: 0,
      text: 'Puis-je allumer la lumière de la chambre ?',
    });
    await session.say(500);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'ignored' && message.reason === 'not_a_decision');
    expect(fake.calls.filter((call) => call.method === 'decide')).toHaveLength(0);
    await session.say(400);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'turn-end');
    expect(session.messages).toContainEqual({ type: 'decision', heard: 'Oui.', decision: 'approve' });
    expect(fake.calls.filter((call) => call.method === 'decide')).toMatchObject([
      { method: 'decide', approvalId: 'approval-1', decision: 'approve' },
    ]);
  });

  it('takes an answer given with a button like a spoken one', async () => {
    const fake = createFakeAgent([approvalTurn(), answerTurn('session-1', ['C’est allumé.'])]);
    const session = harness(fake, ['Allume la lumière de la chambre']);
    session.handler.message({ type: 'answer', decision: 'approve' });
    await session.waitFor((message) => message.type === 'error' && message.code === 'nothing_to_answer');
    await session.say(600);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'listening' && message.awaiting === 'approval');
    session.handler.message({ type: 'answer', decision: 'approve' });
    await session.waitFor((message) => message.type === 'turn-end');
    expect(session.messages).toContainEqual({ type: 'decision', heard: '', decision: 'approve' });
    expect(fake.calls.filter((call) => call.method === 'decide')).toMatchObject([{ decision: 'approve' }]);
  });

  it('with approvals "deny", refuses without asking', async () => {
    const fake = createFakeAgent([approvalTurn(), answerTurn('session-1', ['Je n’ai rien allumé.'])]);
    const session = harness(fake, ['Allume la lumière de la chambre'], { approvals: 'deny' });
    await session.say(600);
    await session.say(400, false);
    const end = await session.waitFor((message) => message.type === 'turn-end');
    expect(fake.calls.filter((call) => call.method === 'decide')).toMatchObject([{ decision: 'deny' }]);
    if (end.type !== 'turn-end') throw new Error('unreachable');
    expect(end.answer).toBe('Je n’ai rien allumé.');
    expect(
      session.messages.some((message) => message.type === 'sentence' && message.text.startsWith('Puis-je')),
    ).toBe(false);
  });

  it('while a tool runs, "stop" cancels it and other speech is not a new turn', async () => {
    const running: FakeTurn = {
      events: [
        { type: 'turn-start', sessionId: 'session-1', turnId: 'turn-1' },
        { type: 'tool-call', toolCallId: 'call-1', tool: 'search_books', arguments: {}, effect: 'read' },
      ],
      waitForAbort: true,
    };
    const fake = createFakeAgent([running]);
    const session = harness(fake, ['Cherche la baleine', 'Et la météo ?', 'Stop !']);
    await session.say(600);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'agent' && message.event.type === 'tool-call');
    await session.say(400);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'ignored' && message.reason === 'tool_running');
    await session.say(400);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'turn-end');
    expect(session.messages).toContainEqual({ type: 'decision', heard: 'Stop !', decision: 'cancel' });
    expect(fake.calls.filter((call) => call.method === 'send')).toHaveLength(1);
    const send = fake.calls[0];
    expect(send && 'signal' in send ? send.signal?.aborted : false).toBe(true);
    expect(fake.calls.some((call) => call.method === 'interrupt')).toBe(true);
  });

  it('answers a spoken "oui" to a question whether to go on by resuming the turn', async () => {
    const stopped: FakeTurn = {
      events: [
        { type: 'turn-start', sessionId: 'session-1', turnId: 'turn-1' },
        {
          type: 'stop',
          reason: 'repeated_call',
          question: 'search_books a été appelé deux fois. Je continue ?',
        },
      ],
    };
    const fake = createFakeAgent([stopped, answerTurn('session-1', ['Voilà la réponse.'])]);
    const session = harness(fake, ['Cherche la baleine', 'Oui, vas-y']);
    await session.say(600);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'listening' && message.awaiting === 'question');
    await session.say(400);
    await session.say(400, false);
    const end = await session.waitFor((message) => message.type === 'turn-end');
    expect(fake.calls.filter((call) => call.method === 'resume')).toMatchObject([{ goOn: true }]);
    if (end.type !== 'turn-end') throw new Error('unreachable');
    expect(end.answer).toBe('Voilà la réponse.');
  });

  it('sends partial transcripts while the user speaks when asked, then the final one', async () => {
    const fake = createFakeAgent([answerTurn('session-1', ['Ça va.'])]);
    const session = harness(fake, ['Bonjour', 'Bonjour Klody, comment vas-tu ?']);
    session.handler.message({ type: 'configure', partials: true });
    await session.say(2_600);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'turn-end');
    const transcripts = session.messages.filter((message) => message.type === 'transcript');
    expect(transcripts).toEqual([
      { type: 'transcript', text: 'Bonjour', final: false, language: 'fr' },
      { type: 'transcript', text: 'Bonjour Klody, comment vas-tu ?', final: true, language: 'fr' },
    ]);
    expect(fake.calls[0]).toMatchObject({ method: 'send', message: 'Bonjour Klody, comment vas-tu ?' });
  });

  it('sends no partial transcript unless asked', async () => {
    const fake = createFakeAgent([answerTurn('session-1', ['Ça va.'])]);
    const session = harness(fake, ['Bonjour Klody, comment vas-tu ?']);
    await session.say(2_600);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'turn-end');
    expect(session.messages.filter((message) => message.type === 'transcript')).toHaveLength(1);
  });

  it('an interrupt message stops Klody like speech would', async () => {
    const fake = createFakeAgent([answerTurn('session-1', longAnswer)]);
    const session = harness(fake, ['Raconte']);
    await session.say(600);
    await session.say(400, false);
    await session.waitFor((message) => message.type === 'audio-start');
    session.handler.message({ type: 'interrupt' });
    const end = await session.waitFor((message) => message.type === 'turn-end');
    if (end.type !== 'turn-end') throw new Error('unreachable');
    expect(end.metrics.interrupted).toBe(true);
  });
});
