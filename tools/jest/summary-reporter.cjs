// Prints one plain closing line per jest run ("<tier>: N passed, N failed"), so a reader (or CI)
// sees the outcome of each tier at a glance. Suites that fail to load count as failed.
class SummaryReporter {
  constructor(_globalConfig, options) {
    this.tier = (options && options.tier) || 'tests';
  }

  onRunComplete(_contexts, results) {
    const brokenSuites = results.testResults.filter((r) => r.testExecError).length;
    const failed = results.numFailedTests + brokenSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(`\n${this.tier}: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
module.exports = SummaryReporter;
