/** A server started as a child process and spoken to over its stdin and stdout. */
export interface StdioServerDeclaration {
  command: string;
  args?: readonly string[];
  /**
   * Added to the few variables every server gets (PATH, HOME, USER, SHELL, TERM, LOGNAME: the SDK's
   * default environment). The rest of our own environment (API keys) is never passed on.
   */
  env?: Readonly<Record<string, string>>;
  /** The working directory (our own by default). */
  cwd?: string;
}

/** A server reached over streamable HTTP. */
export interface HttpServerDeclaration {
  url: string;
  /** Sent with every request (a bearer key, for instance). */
  headers?: Readonly<Record<string, string>>;
}

export type McpServerDeclaration = StdioServerDeclaration | HttpServerDeclaration;

export function isStdioDeclaration(declaration: McpServerDeclaration): declaration is StdioServerDeclaration {
  return 'command' in declaration;
}

/** One line naming the server for people: its command or its URL (never its headers: they hold secrets). */
export function describeDeclaration(declaration: McpServerDeclaration): string {
  if (!isStdioDeclaration(declaration)) return declaration.url;
  return [declaration.command, ...(declaration.args ?? [])].join(' ');
}
