import { describe, expect, it } from 'vitest';
import { lazyImport } from './lazy-import.js';

describe('lazyImport', () => {
  it('imports nothing until asked, then imports once however many ask', async () => {
    let imports = 0;
    const load = lazyImport(async () => {
      imports++;
      return { answer: 42 };
    });
    expect(imports).toBe(0);
    const [first, second] = await Promise.all([load(), load()]);
    expect(await load()).toBe(first);
    expect(second).toBe(first);
    expect(imports).toBe(1);
  });

  it('forgets a failed import, so the next call tries again', async () => {
    let imports = 0;
    const load = lazyImport(async () => {
      imports++;
      if (imports === 1) throw new Error('module not found');
      return 'loaded';
    });
    await expect(load()).rejects.toThrow('module not found');
    await expect(load()).resolves.toBe('loaded');
    expect(imports).toBe(2);
  });
});
