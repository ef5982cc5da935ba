// Variants in the worker table: their aliases route to the worker's entry (one process), the table
// says which variant an alias names, and a reload that only changes variants keeps the process.
import { describe, expect, it } from 'vitest';
import { parseRegistry } from '../registry/index.js';
import { WorkerTable } from './worker-table.js';

function registry(variants: Array<{ alias: string; priority?: number }>) {
  return parseRegistry(
    {
      budgetGb: 4,
      workers: [
        { name: 'qwen', command: '/bin/fake', port: 19_300, estimatedGb: 0.5, aliases: ['brain'], variants },
      ],
    },
    '/config',
  ).registry;
}

describe('WorkerTable variants', () => {
  it('routes a variant alias to its worker and names the variant', () => {
    const table = new WorkerTable(registry([{ alias: 'brain-instant', priority: 2 }]), '/config');
    expect(table.resolve('brain-instant')).toBe('qwen');
    expect(table.variant('brain-instant')).toMatchObject({ alias: 'brain-instant', priority: 2 });
    expect(table.variant('brain')).toBeNull();
    expect(table.variant('qwen')).toBeNull();
    expect(table.aliases()).toEqual(['brain', 'brain-instant', 'qwen']);
  });

  it('a reload that changes only the variants keeps the entry and forgets removed variants', () => {
    const table = new WorkerTable(registry([{ alias: 'brain-instant' }]), '/config');
    const entry = table.entry('qwen');
    table.apply(registry([{ alias: 'brain-creative' }]), '/config');
    expect(table.entry('qwen')).toBe(entry);
    expect(table.retired()).toEqual([]);
    expect(table.resolve('brain-instant')).toBeNull();
    expect(table.variant('brain-instant')).toBeNull();
    expect(table.variant('brain-creative')?.alias).toBe('brain-creative');
  });
});
