// An AbortController whose AbortSignal is made only when something reads it. Node 20 takes about 9 µs
// to make an AbortSignal (its prototype is set after construction), more than the rest of a relayed
// request's routing; a request that gets a worker's slot at once never reads the signal.

export class LazyAbortController {
  #controller: AbortController | null = null;
  #aborted = false;

  get aborted(): boolean {
    return this.#aborted;
  }

  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#aborted && !this.#controller.signal.aborted) this.#controller.abort();
    return this.#controller.signal;
  }

  abort(): void {
    this.#aborted = true;
    this.#controller?.abort();
  }
}
