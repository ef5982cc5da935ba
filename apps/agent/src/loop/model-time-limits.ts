/**
 * How long one model call may stay silent: before its first stream part (the gateway may be loading
 * the model, so this one is generous) and between two parts once it streams. Without them a gateway
 * that accepts the request and then hangs would keep the turn waiting for ever.
 */
export interface ModelTimeLimits {
  firstPartMs: number;
  idleMs: number;
}

/** A model call that passed one of its time limits. */
export class ModelTimeoutError extends Error {
  override readonly name = 'ModelTimeoutError';
}

export interface ModelCallWatch {
  /** Aborts the call: the caller's signal, or a passed time limit. */
  readonly signal: AbortSignal;
  /** A stream part arrived: the idle limit starts again. */
  touch(): void;
  /** The passed limit, when that is what aborted the call. */
  timeout(): ModelTimeoutError | null;
  /** Stops the timers. */
  clear(): void;
}

function seconds(milliseconds: number): string {
  return `${Math.round(milliseconds / 100) / 10} s`;
}

/** Watches one model call: the first-part limit at once, then the idle limit after each part. */
export function watchModelCall(limits: ModelTimeLimits, callerSignal?: AbortSignal): ModelCallWatch {
  const controller = new AbortController();
  let passed: ModelTimeoutError | null = null;
  let timer: NodeJS.Timeout | undefined;
  const arm = (milliseconds: number, message: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      passed = new ModelTimeoutError(message);
      controller.abort(passed);
    }, milliseconds);
    timer.unref?.();
  };
  arm(limits.firstPartMs, `the model sent nothing within ${seconds(limits.firstPartMs)}`);
  const signal = callerSignal ? AbortSignal.any([callerSignal, controller.signal]) : controller.signal;
  return {
    signal,
    touch() {
      if (passed) return;
      arm(limits.idleMs, `the model stopped sending for ${seconds(limits.idleMs)}`);
    },
    timeout: () => passed,
    clear() {
      clearTimeout(timer);
    },
  };
}
