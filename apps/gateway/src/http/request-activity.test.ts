import type { ActivityRow } from '@klody/gateway-client/schemas';
import { describe, expect, it } from 'vitest';
import { RequestActivity } from './request-activity.js';

const row = (index: number): ActivityRow => ({
  requestId: `request-${index}`,
  at: index,
  model: 'm',
  worker: 'w',
  route: 'chat/completions',
  status: 200,
  outcome: 'completed',
  queueWaitMs: 0,
  firstByteMs: 1,
  durationMs: 2,
  tokensIn: null,
  tokensOut: null,
  tokensPerSecond: null,
});

describe('the activity ring', () => {
  it('lists the rows newest first', () => {
    const activity = new RequestActivity(5);
    for (const index of [1, 2, 3]) activity.add(row(index));
    expect(activity.list().map((entry) => entry.at)).toEqual([3, 2, 1]);
  });

  it('keeps only the last `size` rows once full, in order', () => {
    const activity = new RequestActivity(3);
    for (let index = 1; index <= 8; index++) activity.add(row(index));
    expect(activity.list().map((entry) => entry.at)).toEqual([8, 7, 6]);
  });
});
