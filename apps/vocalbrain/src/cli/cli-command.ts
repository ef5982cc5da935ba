/** One parsed command line of `pnpm vocalbrain`. */
export type CliCommand =
  | {
      command: 'say';
      text: string;
      voice: string | null;
      profile: string | null;
      model: string | null;
      speed: number | null;
      out: string | null;
      json: boolean;
    }
  | { command: 'transcribe'; file: string; language: string | null; json: boolean }
  | { command: 'voices'; json: boolean }
  | { command: 'profiles'; json: boolean }
  | { command: 'jobs'; json: boolean }
  | {
      command: 'library-add';
      file: string;
      description: string;
      tags: string[];
      title: string | null;
      json: boolean;
    }
  | { command: 'library-find'; description: string; k: number; json: boolean }
  | { command: 'library-list'; json: boolean }
  | { command: 'library-remove'; id: number; json: boolean }
  | { command: 'serve'; port: number | null }
  | { command: 'mcp' };
