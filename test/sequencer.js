// Slowest test files first, so the workers finish together instead of one starting the longest file last.
// jest orders by the durations it cached on the last run, and without a cache (a clean CI clone) by file size,
// which puts the long poles anywhere. Durations jest has cached win; the table below stands in for a file
// jest has not timed yet. Ordering only: every file still runs.
const path = require("path");
const Sequencer = require("@jest/test-sequencer").default;

const repoRoot = path.resolve(__dirname, "..");

/**
 * Seconds each slow file took in a full `npm test` on 2 busy cores (3 workers; 2026-12-03, other suites running
 * beside it), slowest first. Files not listed took under a minute; they get their file size as a stand-in, as
 * jest would, but in milliseconds.
 */
const measuredSeconds = {
  "test/tools/property-config.test.ts": 1312,
  "test/deploy/dev.test.ts": 514,
  "test/tools/rendered-config.test.ts": 512,
  "test/deploy/prod.test.ts": 405,
  "test/e2e/faults.test.ts": 232,
  "test/unit/security/bad-input.test.ts": 224,
  "test/deploy/property-dry-run.test.ts": 223,
  "test/tools/promtool-rules.test.ts": 186,
  "test/e2e/thanos.test.ts": 128,
  "test/e2e/rule-evaluation.test.ts": 126,
  "test/unit/security/secrets.test.ts": 113,
  "test/deploy/library.test.ts": 75,
  "test/tools/examples.test.ts": 68,
  "test/unit/config-limits.test.ts": 65,
  "test/unit/clouds.test.ts": 62,
};

class SlowestFirst extends Sequencer {
  /** The cached duration (ms), else the measured one, else the file size as a small stand-in. */
  time(test) {
    const cached = super.time(test);
    if (cached != null) return cached;
    const measured = measuredSeconds[path.relative(repoRoot, test.path).split(path.sep).join("/")];
    return measured !== undefined ? measured * 1000 : (test.context.hasteFS.getSize(test.path) ?? 0) / 1000;
  }
}

module.exports = SlowestFirst;
module.exports.measuredSeconds = measuredSeconds;
