import { mebibyte } from '@klody/service';
import { describe, expect, it } from 'vitest';
import { inMebibytes, mcpLimits } from './mcp-limits.js';

describe('mcpLimits', () => {
  it('fits the largest base64 audio and its envelope in the body limit', () => {
    const limits = mcpLimits({ audioBodyLimitBytes: 64 * mebibyte });
    expect(limits.bodyBytes).toBe(64 * mebibyte);
    expect(limits.audioBase64Characters % 4).toBe(0);
    expect(limits.audioBase64Characters).toBeLessThan(limits.bodyBytes);
    expect(Buffer.alloc(limits.audioBytes).toString('base64').length).toBe(limits.audioBase64Characters);
    expect(inMebibytes(limits.audioBytes)).toBe('47 MiB');
  });
});
