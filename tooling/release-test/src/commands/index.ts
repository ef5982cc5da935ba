export { type CommandLine, findPnpm } from './find-pnpm.js';
export { type CommandResult, describeResult, type RunCommandOptions, runCommand } from './run-command.js';
export { nodeHeadersPrefix, userEnvironment } from './user-environment.js';
