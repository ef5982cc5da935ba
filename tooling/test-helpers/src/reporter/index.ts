export {
  countTests,
  formatSummaryLine,
  SummaryLineReporter,
  type TestCounts,
} from './summary-line-reporter.js';
