import type { StepRecord } from '../agent/agent-events.js';

/** At most `length` characters on one line: newlines and runs of spaces become one space. */
export function oneLine(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`;
}

/** A tool call's arguments as compact JSON on one line (what the approval question shows too). */
export function argumentsLine(value: unknown, length = 120): string {
  return oneLine(JSON.stringify(value ?? {}) ?? 'null', length);
}

/**
 * One step on one line for the terminal:
 * `· remove_book {"book":"Candide"} · destructive · denied · not_run · denied by the user, not run`.
 */
export function stepLine(step: StepRecord): string {
  const parts = [
    `${step.tool} ${argumentsLine(step.arguments, 80)}`,
    step.effect,
    step.approval,
    step.status,
    ...(step.output ? [oneLine(step.output, 100)] : []),
  ];
  return `· ${parts.join(' · ')}`;
}
