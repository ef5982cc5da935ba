#!/usr/bin/env node
// The floor of any Node.js proxy, for the benchmark: node:http in, node:http out on a keep-alive
// agent, bytes piped, nothing else (no routing, no parsing, no accounting). What the gateway adds
// above this is the cost of its own work; what this adds above nginx is Node's.
import { Agent, createServer, request } from 'node:http';

const [listenPort, upstreamPort] = [Number(process.argv[2]), Number(process.argv[3])];
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
createServer((incoming, outgoing) => {
  const upstream = request(
    {
      host: '127.0.0.1',
      port: upstreamPort,
      path: incoming.url,
      method: incoming.method,
      headers: incoming.headers,
      agent,
    },
    (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.rawHeaders);
      response.pipe(outgoing);
    },
  );
  upstream.on('error', () => outgoing.destroy());
  incoming.pipe(upstream);
}).listen(listenPort, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
