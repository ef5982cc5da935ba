// Bounded resources on every port this app serves: the gateway, the embedded worker and the voice
// worker it spawns, each attacked with the same table: a body declared too large, a chunked body that
// never ends, JSON nested thousands of levels deep, and (for model routes) a prompt longer than the
// context. Every service must answer the same documented error, at once, without a 500. The workers
// are reached both through the gateway and on their own ports (with the key the gateway gave them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { endlessBody, rawRequest } from '@klody/service/testing';
import { freePorts, testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/index.js';
import {
  killRecordedWorkers,
  postJson,
  startQuietGateway,
  temporaryHome,
  voiceWorkerEntry,
  writeRegistry,
} from './helpers.js';

const contextSize = 256;

interface Target {
  /** Which service and how it is reached. */
  service: string;
  url: () => string;
  headers: () => Record<string, string>;
  /** A JSON route of the service and a valid body's model field. */
  jsonRoute: string;
  model: string | null;
  jsonLimitBytes: number;
  /** The upload route and its limit, when the service takes audio. */
  uploadRoute: string | null;
  uploadLimitBytes: number;
  /** Whether prompts are checked against a model's context here. */
  prompts: boolean;
}

describeRequiring(
  { data: ['models/stories260K.gguf'], tools: ['espeak-ng'] },
  'bounded resources on every port of the gateway',
  () => {
    const home = temporaryHome();
    let gateway: RunningGateway;
    const keys: Record<string, string> = {};
    const ports: Record<string, number> = {};

    beforeAll(async () => {
      const [toyPort, voicePort] = (await freePorts(2)) as [number, number];
      ports.toy = toyPort;
      ports.voice = voicePort;
      const config = writeRegistry(home, {
        budgetGb: 4,
        server: { bodyLimitMb: 1, audioBodyLimitMb: 2 },
        workers: [
          {
            name: 'toy',
            aliases: ['toy-story'],
            embedded: { model: testDataPath('models', 'stories260K.gguf'), contextSize, threads: 1 },
            port: toyPort,
            estimatedGb: 0.2,
            startTimeoutSeconds: 60,
          },
          voiceWorkerEntry(voicePort, { 'toy-tts': 'espeak-ng' }),
        ],
      } as never);
      gateway = await startQuietGateway(home, config);
      for (const model of ['toy', 'voice']) {
        const ensured = await postJson(`${gateway.url}/admin/ensure`, { model });
        expect(ensured.status).toBe(200);
        const record = JSON.parse(readFileSync(join(home, 'gateway', 'run', `${model}.json`), 'utf8'));
        keys[model] = record.workerKey;
      }
    }, 120_000);

    afterAll(async () => {
      await gateway?.close({ workers: true });
      killRecordedWorkers(home);
    });

    const json = { 'content-type': 'application/json' };
    const targets: Target[] = [
      {
        service: 'gateway → embedded worker',
        url: () => gateway.url,
        headers: () => json,
        jsonRoute: '/v1/chat/completions',
        model: 'toy-story',
        jsonLimitBytes: 1024 * 1024,
        uploadRoute: '/v1/audio/transcriptions',
        uploadLimitBytes: 2 * 1024 * 1024,
        prompts: true,
      },
      {
        service: 'embedded worker, own port',
        url: () => `http://127.0.0.1:${ports.toy}`,
        headers: () => ({ ...json, authorization: `Bearer ${keys.toy}` }),
        jsonRoute: '/v1/chat/completions',
        model: null,
        jsonLimitBytes: 8 * 1024 * 1024,
        uploadRoute: null,
        uploadLimitBytes: 0,
        prompts: true,
      },
      {
        service: 'gateway → voice worker',
        url: () => gateway.url,
        headers: () => json,
        jsonRoute: '/v1/audio/speech',
        model: 'toy-tts',
        jsonLimitBytes: 1024 * 1024,
        uploadRoute: null,
        uploadLimitBytes: 0,
        prompts: false,
      },
      {
        service: 'voice worker, own port',
        url: () => `http://127.0.0.1:${ports.voice}`,
        headers: () => ({ ...json, authorization: `Bearer ${keys.voice}` }),
        jsonRoute: '/v1/audio/speech',
        model: null,
        jsonLimitBytes: 8 * 1024 * 1024,
        uploadRoute: '/v1/audio/transcriptions',
        uploadLimitBytes: 64 * 1024 * 1024,
        prompts: false,
      },
    ];

    for (const target of targets) {
      it(`${target.service}: a body declared over the limit → 413 body_too_large, unread`, async () => {
        const answer = await rawRequest(target.url(), {
          method: 'POST',
          path: target.jsonRoute,
          headers: { ...target.headers(), 'content-length': String(target.jsonLimitBytes + 1) },
          body: '',
        });
        expect(answer.status).toBe(413);
        expect(answer.errorCode).toBe('body_too_large');
      });

      it(`${target.service}: a chunked body that passes the limit → 413 body_too_large`, async () => {
        const routes: Array<[string, number]> = [[target.jsonRoute, target.jsonLimitBytes]];
        if (target.uploadRoute) routes.push([target.uploadRoute, target.uploadLimitBytes]);
        for (const [route, limit] of routes) {
          const body = endlessBody(Math.ceil(limit / 1024 / 1024) + 4);
          const answer = await rawRequest(target.url(), {
            method: 'POST',
            path: route,
            headers: { ...target.headers(), 'transfer-encoding': 'chunked' },
            body: body,
          });
          body.destroy();
          expect({ route, status: answer.status, code: answer.errorCode }).toEqual({
            route,
            status: 413,
            code: 'body_too_large',
          });
        }
      });

      it(`${target.service}: JSON nested 5,000 levels deep → 400`, async () => {
        const model = target.model === null ? '' : `"model":${JSON.stringify(target.model)},`;
        const answer = await rawRequest(target.url(), {
          method: 'POST',
          path: target.jsonRoute,
          headers: target.headers(),
          body: `{${model}"input":${'['.repeat(5_000)}${']'.repeat(5_000)},"messages":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
        });
        expect(answer.status).toBe(400);
        expect(answer.errorCode).toMatch(/^[a-z_]+$/);
      });

      if (target.prompts) {
        it(`${target.service}: a prompt longer than the context → 400 context_length_exceeded`, async () => {
          const long = 'Once upon a time there was a little girl named Lily. '.repeat(60);
          const model = target.model === null ? {} : { model: target.model };
          const answer = await rawRequest(target.url(), {
            method: 'POST',
            path: target.jsonRoute,
            headers: target.headers(),
            body: JSON.stringify({ ...model, messages: [{ role: 'user', content: long }], max_tokens: 4 }),
          });
          expect(answer.status).toBe(400);
          expect(answer.errorCode).toBe('context_length_exceeded');
          expect(answer.body).toContain(`maximum context length is ${contextSize} tokens`);
        });
      }
    }
  },
);
