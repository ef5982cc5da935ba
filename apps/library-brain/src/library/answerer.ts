// Placeholder until @klody/memory's answer() lands on this branch.
export function createAnswerer(_options: unknown) {
  return {
    async ask(): Promise<never> {
      throw new Error('answering is not wired yet');
    },
  };
}
