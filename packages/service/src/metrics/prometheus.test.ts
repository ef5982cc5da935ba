import { describe, expect, it } from 'vitest';
import { Histogram, prometheusLabels } from './prometheus.js';

describe('the Prometheus exposition', () => {
  it('escapes label values', () => {
    expect(prometheusLabels({ worker: 'a"b\\c\nd' })).toBe('{worker="a\\"b\\\\c\\nd"}');
    expect(prometheusLabels({})).toBe('');
  });

  it('renders cumulative buckets, the sum and the count of each series', () => {
    const histogram = new Histogram('klody_test_seconds', 'A test.', [0.5, 1, 2]);
    histogram.observe({ stage: 'a' }, 0.7);
    histogram.observe({ stage: 'a' }, 1.5);
    histogram.observe({ stage: 'a' }, 5);
    expect(histogram.render().split('\n')).toEqual([
      '# HELP klody_test_seconds A test.',
      '# TYPE klody_test_seconds histogram',
      'klody_test_seconds_bucket{stage="a",le="0.5"} 0',
      'klody_test_seconds_bucket{stage="a",le="1"} 1',
      'klody_test_seconds_bucket{stage="a",le="2"} 2',
      'klody_test_seconds_bucket{stage="a",le="+Inf"} 3',
      'klody_test_seconds_sum{stage="a"} 7.2',
      'klody_test_seconds_count{stage="a"} 3',
    ]);
  });
});
