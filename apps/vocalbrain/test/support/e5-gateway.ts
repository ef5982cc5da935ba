// Kept for tooling/bench/vocalbrain/library-recall-bench.ts, which imports it by path; the tests
// import startE5Gateway from @klody/test-helpers.
export { startE5Gateway } from '@klody/test-helpers';
