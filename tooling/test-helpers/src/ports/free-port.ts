import { createServer } from 'node:net';

/** The services' default ports (CONTRACTS.md): tests never use them, so a running stack is never hit. */
export const servicePorts: ReadonlySet<number> = new Set([8000, 8090, 8600, 8765]);

function ephemeralPort(host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not read the port the system chose'));
      });
    });
  });
}

/** A port that is free on 127.0.0.1 right now, never one of the services' default ports. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await ephemeralPort(host);
    if (!servicePorts.has(port)) return port;
  }
  throw new Error('could not find a free port outside the services’ default ports');
}

/** `count` distinct free ports. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(host));
  return [...ports];
}
