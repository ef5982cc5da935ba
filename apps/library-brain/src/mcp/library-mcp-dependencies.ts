import type { ServiceLogger } from '@klody/service';
import type { Library } from '../library/library.js';

/** What Library Brain's MCP tools work on: the same library the HTTP API and the CLI use. */
export interface LibraryMcpDependencies {
  /**
   * The library, or the promise of it while it opens (stdio answers `initialize` at once and the
   * tools wait for the library; a library that fails to open makes every tool answer why).
   */
  library: Library | Promise<Library>;
  /** The gateway's URL, named in the errors of its models; null without a gateway. */
  gatewayURL: string | null;
  /** Unexpected errors (bugs), with their stack; the client only gets a sentence. */
  logger?: ServiceLogger;
}
