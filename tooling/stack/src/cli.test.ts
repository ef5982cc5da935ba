import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts, isProcessAlive, repositoryRoot } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { expect, it } from 'vitest';

const root = repositoryRoot();

describeRequiring({ data: ['models/stories260K.gguf'] }, 'the main job (npm start)', () => {
  const reaper = useProcessReaper();

  it('starts every service, prints their URLs, and Ctrl-C stops them all, model workers included', async () => {
    const [port, libraryPort, vocalbrainPort, agentPort] = await freePorts(4);
    const stack = reaper.spawn(
      process.execPath,
      ['--conditions=@klody/source', '--import', 'tsx', 'tooling/stack/src/cli.ts', 'start'],
      {
        cwd: root,
        env: {
          ...process.env,
          KLODY_HOME: mkdtempSync(join(tmpdir(), 'klody-home-')),
          KLODY_GATEWAY_PORT: String(port),
          KLODY_LIBRARY_BRAIN_PORT: String(libraryPort),
          KLODY_VOCALBRAIN_PORT: String(vocalbrainPort),
          KLODY_AGENT_PORT: String(agentPort),
          // The toy registry whatever this machine has installed: with the real models, npm start
          // would serve small.yaml (gateway-registry.test.ts covers that choice).
          KLODY_GATEWAY_CONFIG: join(root, 'apps/gateway/examples/tiny.yaml'),
        },
      },
    );
    await stack.waitForOutput('Press Ctrl-C to stop everything.', 90_000);
    expect(stack.stdout()).toMatch(new RegExp(`gateway +http://127\\.0\\.0\\.1:${port}/v1`));
    expect(stack.stdout()).toMatch(new RegExp(`library-brain +http://127\\.0\\.0\\.1:${libraryPort}/`));
    const libraryHealth = (await (await fetch(`http://127.0.0.1:${libraryPort}/health`)).json()) as {
      gateway: string;
    };
    expect(libraryHealth.gateway).toBe('ok');
    expect(stack.stdout()).toMatch(new RegExp(`vocalbrain +http://127\\.0\\.0\\.1:${vocalbrainPort}/`));
    const vocalbrainHealth = (await (await fetch(`http://127.0.0.1:${vocalbrainPort}/health`)).json()) as {
      gateway: string;
      speechEngines: string[];
    };
    // The toy registry has no speech alias, but the gateway answers: VocalBrain reached it.
    expect(vocalbrainHealth.gateway).toBe('ok');
    expect(vocalbrainHealth.speechEngines.length).toBeGreaterThan(0);
    expect(stack.stdout()).toMatch(new RegExp(`agent +http://127\\.0\\.0\\.1:${agentPort}/`));
    const agentHealth = (await (await fetch(`http://127.0.0.1:${agentPort}/health`)).json()) as {
      status: string;
      gateway: string;
      reason: string | null;
    };
    // The toy registry serves no `brain`: the agent reached the gateway and says what it lacks.
    expect(agentHealth).toMatchObject({ status: 'degraded', gateway: 'model_missing' });
    expect(agentHealth.reason).toMatch(
      /serves no model "brain" \(KLODY_CHAT_MODEL\); it serves: .*toy-story/,
    );

    // A request makes the gateway spawn a model worker: the stack must stop it too.
    const completion = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'toy-story',
        messages: [{ role: 'user', content: 'Once upon a time' }],
        max_tokens: 8,
      }),
    });
    expect(completion.status).toBe(200);
    const status = (await (await fetch(`http://127.0.0.1:${port}/admin/status`)).json()) as {
      workers: { name: string; pid: number | null }[];
    };
    const workerPids = status.workers.flatMap((worker) => (worker.pid ? [worker.pid] : []));
    expect(workerPids.length).toBeGreaterThan(0);

    // Ctrl-C in a terminal sends SIGINT to the stack's process; the services have their own groups.
    process.kill(stack.pid, 'SIGINT');
    const exit = await stack.exited;
    expect(exit.code).toBe(0);
    expect(stack.stderr()).toContain('[klody] stopped.');
    await sleep(100);
    for (const pid of workerPids) expect(isProcessAlive(pid)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${libraryPort}/health`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${vocalbrainPort}/health`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${agentPort}/health`)).rejects.toThrow();
  });
});
