import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

/** A fake clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

function breaker(failureThreshold = 3, coolDownMs = 30_000) {
  const clock = fakeClock();
  return { clock, breaker: new CircuitBreaker({ failureThreshold, coolDownMs }, clock.now) };
}

/** Passes a request and fails it, as a worker that refuses connections does. */
function failOnce(circuit: CircuitBreaker): void {
  const ticket = circuit.pass();
  if (!ticket) throw new Error('the circuit refused the request');
  circuit.failed(ticket);
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures, not before', () => {
    const { breaker: circuit } = breaker(3);
    failOnce(circuit);
    failOnce(circuit);
    expect(circuit.snapshot()).toMatchObject({ state: 'closed', failures: 2, opens: 0 });
    failOnce(circuit);
    expect(circuit.snapshot()).toMatchObject({ state: 'open', failures: 0, opens: 1 });
    expect(circuit.allows()).toBe(false);
    expect(circuit.pass()).toBeNull();
  });

  it('counts consecutive failures only: a success in between starts over', () => {
    const { breaker: circuit } = breaker(2);
    failOnce(circuit);
    const ticket = circuit.pass();
    if (!ticket) throw new Error('refused');
    circuit.succeeded(ticket);
    failOnce(circuit);
    expect(circuit.state).toBe('closed');
    failOnce(circuit);
    expect(circuit.state).toBe('open');
  });

  it('lets exactly one trial through after the cool-down; its success closes the circuit', () => {
    const { breaker: circuit, clock } = breaker(1, 30_000);
    failOnce(circuit);
    clock.advance(29_999);
    expect(circuit.pass()).toBeNull();
    clock.advance(1);
    expect(circuit.state).toBe('half-open');
    const trial = circuit.pass();
    expect(trial).toMatchObject({ trial: true });
    // The trial is out: nobody else passes until it ends.
    expect(circuit.allows()).toBe(false);
    expect(circuit.pass()).toBeNull();
    if (!trial) throw new Error('no trial');
    circuit.succeeded(trial);
    expect(circuit.snapshot()).toMatchObject({ state: 'closed', failures: 0, opens: 1, retryAt: null });
    expect(circuit.pass()).toMatchObject({ trial: false });
  });

  it('a failed trial opens the circuit again for a whole cool-down', () => {
    const { breaker: circuit, clock } = breaker(1, 1_000);
    failOnce(circuit);
    clock.advance(1_000);
    const trial = circuit.pass();
    if (!trial) throw new Error('no trial');
    circuit.failed(trial);
    expect(circuit.snapshot()).toMatchObject({ state: 'open', opens: 2, retryAt: clock.now() + 1_000 });
    clock.advance(999);
    expect(circuit.pass()).toBeNull();
    clock.advance(1);
    expect(circuit.pass()).toMatchObject({ trial: true });
  });

  it('an abandoned trial (the client left) frees the trial for the next request', () => {
    const { breaker: circuit, clock } = breaker(1, 1_000);
    failOnce(circuit);
    clock.advance(1_000);
    const trial = circuit.pass();
    if (!trial) throw new Error('no trial');
    circuit.abandoned(trial);
    expect(circuit.state).toBe('half-open');
    expect(circuit.pass()).toMatchObject({ trial: true });
  });

  it('answers to requests that passed before the circuit opened neither close it nor extend it', () => {
    const { breaker: circuit, clock } = breaker(2, 1_000);
    const early = circuit.pass();
    const late = circuit.pass();
    if (!early || !late) throw new Error('refused');
    failOnce(circuit);
    failOnce(circuit);
    expect(circuit.state).toBe('open');
    const retryAt = circuit.snapshot().retryAt;
    circuit.succeeded(early);
    expect(circuit.state).toBe('open');
    clock.advance(500);
    circuit.failed(late);
    expect(circuit.snapshot()).toMatchObject({ state: 'open', opens: 1, retryAt });
  });

  it('reads new settings (a registry reload) at once', () => {
    const { breaker: circuit, clock } = breaker(5, 60_000);
    failOnce(circuit);
    circuit.settings = { failureThreshold: 2, coolDownMs: 100 };
    failOnce(circuit);
    expect(circuit.state).toBe('open');
    clock.advance(100);
    expect(circuit.state).toBe('half-open');
  });
});
