#!/usr/bin/env node
// The fast upstream of the relay benchmark: an OpenAI-shaped worker that answers at once, so that
// what the benchmark measures is the proxy in front of it. Non-streaming: a fixed JSON body.
// Streaming: the first chunk is written immediately (time to first byte), three more follow, then
// [DONE]; `"slow": true` streams 40 chunks 5 ms apart (for the abort storm). /health counts aborts.
import { createServer } from 'node:http';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
const counters = { requests: 0, completed: 0, aborted: 0, active: 0 };
const answer = JSON.stringify({
  id: 'bench',
  object: 'chat.completion',
  created: 0,
  model: 'bench',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});
const chunk = (index) => `data: {"choices":[{"index":0,"delta":{"content":"${index}"}}]}\n\n`;

createServer((request, response) => {
  if (request.url === '/health') {
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'ok', ...counters }));
    return;
  }
  let raw = '';
  request.on('data', (data) => {
    raw += data;
  });
  request.on('end', () => {
    counters.requests++;
    const streaming = raw.includes('"stream":true');
    if (!streaming) {
      counters.completed++;
      response
        .writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) })
        .end(answer);
      return;
    }
    const slow = raw.includes('"slow":true');
    counters.active++;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(chunk(0));
    let sent = 1;
    let done = false;
    const total = slow ? 40 : 4;
    const next = () => {
      if (response.destroyed) return;
      if (sent < total) {
        response.write(chunk(sent++));
        if (slow) setTimeout(next, 5);
        else setImmediate(next);
        return;
      }
      done = true;
      counters.active--;
      counters.completed++;
      response.end('data: [DONE]\n\n');
    };
    if (slow) setTimeout(next, 5);
    else setImmediate(next);
    response.on('close', () => {
      if (done) return;
      done = true;
      counters.active--;
      counters.aborted++;
    });
  });
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
