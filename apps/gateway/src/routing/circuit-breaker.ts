// A circuit breaker per worker: after `failureThreshold` consecutive failures the worker is set aside
// (open) for `coolDownMs`; then exactly one trial request may go (half-open): its success closes the
// circuit, its failure opens it again for another cool-down. Pure: the clock is injected.
//
// A request carries the ticket it passed with: an answer to a request that went before the circuit
// opened says nothing about the worker now, so only the trial's own outcome may close an open circuit.

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerSettings {
  failureThreshold: number;
  coolDownMs: number;
}

/** What a request holds between `pass()` and its outcome. */
export interface CircuitTicket {
  readonly trial: boolean;
  /** The circuit's opening count when the ticket was given: a stale ticket cannot close it. */
  readonly epoch: number;
}

export interface CircuitSnapshot {
  state: CircuitState;
  /** Consecutive failures while closed. */
  failures: number;
  /** Times the circuit opened (a failed trial counts again). */
  opens: number;
  /** When an open circuit allows its trial (ms since the epoch); null unless open. */
  retryAt: number | null;
}

export class CircuitBreaker {
  private failures = 0;
  private opens = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;

  constructor(
    public settings: CircuitBreakerSettings,
    private readonly now: () => number,
  ) {}

  /** Closed; open (cooling down); or half-open: the cool-down is over, a trial may go or is going. */
  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.settings.coolDownMs ? 'half-open' : 'open';
  }

  /** Whether a request would be let through now (without taking the trial). */
  allows(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && !this.trialInFlight);
  }

  /** Lets a request through, or null when the circuit refuses it (open, or its one trial is out). */
  pass(): CircuitTicket | null {
    const state = this.state;
    if (state === 'closed') return { trial: false, epoch: this.opens };
    if (state === 'open' || this.trialInFlight) return null;
    this.trialInFlight = true;
    return { trial: true, epoch: this.opens };
  }

  succeeded(ticket: CircuitTicket): void {
    if (ticket.trial) {
      if (ticket.epoch !== this.opens) return;
      this.trialInFlight = false;
      this.openedAt = null;
      this.failures = 0;
      return;
    }
    if (this.openedAt === null) this.failures = 0;
  }

  failed(ticket: CircuitTicket): void {
    if (ticket.trial) {
      if (ticket.epoch !== this.opens) return;
      this.trialInFlight = false;
      this.open();
      return;
    }
    // Failures of requests that went before the circuit opened do not extend the cool-down.
    if (this.openedAt !== null || ticket.epoch !== this.opens) return;
    this.failures++;
    if (this.failures >= this.settings.failureThreshold) this.open();
  }

  /** The request ended without saying anything about the worker (the client left first). */
  abandoned(ticket: CircuitTicket): void {
    if (ticket.trial && ticket.epoch === this.opens) this.trialInFlight = false;
  }

  snapshot(): CircuitSnapshot {
    const state = this.state;
    return {
      state,
      failures: this.failures,
      opens: this.opens,
      retryAt: this.openedAt === null ? null : this.openedAt + this.settings.coolDownMs,
    };
  }

  private open(): void {
    this.opens++;
    this.openedAt = this.now();
    this.failures = 0;
  }
}
