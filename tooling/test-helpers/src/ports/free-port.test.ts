import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, freePorts, servicePorts } from './free-port.js';

function listenOn(port: number): Promise<void> {
  return new Promise((resolveListen, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => server.close(() => resolveListen()));
  });
}

describe('freePort', () => {
  it('gives a port that can be listened on, never a service default port', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(1024);
    expect(servicePorts.has(port)).toBe(false);
    await expect(listenOn(port)).resolves.toBeUndefined();
  });

  it('gives distinct ports when asked for several', async () => {
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
  });
});
