// `npm start` ends here: every Klody service in the foreground, their URLs, and one Ctrl-C that
// stops them all (model workers included: stopping the stack is not restarting the gateway).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseGatewayRegistry } from './gateway-registry.js';
import { klodyServices } from './klody-services.js';
import { StackError } from './stack-error.js';
import { startStack } from './supervisor.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function usage(message: string): never {
  process.stderr.write(`klody-stack: ${message}\nusage: klody-stack start\n`);
  process.exit(2);
}

async function start(): Promise<void> {
  const registry = chooseGatewayRegistry({ root });
  const definitions = klodyServices({ root, gatewayRegistry: registry.path });
  if (definitions.length === 0) {
    process.stdout.write('No Klody service exists in this checkout yet: nothing to start.\n');
    return;
  }
  let stopRequested = false;
  let stopStack: (() => Promise<void>) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested) return;
    stopRequested = true;
    process.stderr.write(`\n[klody] ${signal}: stopping every service…\n`);
    void (stopStack?.() ?? Promise.resolve()).then(() => {
      process.stderr.write('[klody] stopped.\n');
      process.exit(0);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  if (definitions.some((definition) => definition.name === 'gateway'))
    process.stderr.write(`[klody] ${registry.notice}\n`);
  process.stderr.write(`[klody] starting ${definitions.map((definition) => definition.name).join(', ')}…\n`);
  const stack = await startStack(definitions, {
    onReady: (service) => process.stderr.write(`[klody] ${service.name} is ready at ${service.url}\n`),
  });
  stopStack = stack.stop;
  if (stopRequested) {
    await stack.stop();
    process.exit(0);
  }
  const width = Math.max(...stack.services.map((service) => service.name.length));
  process.stdout.write(
    `Klody is running:\n${stack.services.map((service) => `  ${service.name.padEnd(width)}  ${service.url}`).join('\n')}\nPress Ctrl-C to stop everything.\n`,
  );
  const exit = await stack.unexpectedExit;
  if (stopRequested) return;
  process.stderr.write(
    `[klody] ${exit.service} stopped on its own (code ${exit.code}, signal ${exit.signal}): stopping the rest.\n`,
  );
  await stack.stop();
  process.exit(1);
}

const [command, ...rest] = process.argv.slice(2);
if (command !== 'start') usage(command ? `unknown command "${command}"` : 'missing command');
if (rest.length > 0) usage(`unexpected argument "${rest[0]}"`);
start().catch((error: unknown) => {
  if (StackError.isInstance(error)) {
    process.stderr.write(`[klody] ${error.message}\n`);
    process.exit(1);
  }
  throw error;
});
