// Slowest test files first, so the workers finish together instead of one starting the longest file last.
// jest orders by the durations it cached on the last run, and without a cache (a clean CI clone) by file size,
// which puts the long poles anywhere. Durations jest has cached win; the table below stands in for a file
// jest has not timed yet. Ordering only: every file still runs.
const path = require("path");
const Sequencer = require("@jest/test-sequencer").default;

const repoRoot = path.resolve(__dirname, "..");

/**
 * Seconds each slow file took in a full `npm test` on 2 busy cores (3 workers), slowest first. Files not listed
 * take well under a minute; they get their file size as a stand-in, as jest would, but in milliseconds.
 */
const measuredSeconds = {
  "test/tools/property-config.test.ts": 900,
  "test/unit/security/bad-input.test.ts": 450,
  "test/deploy/dev.test.ts": 355,
  "test/unit/security/secrets.test.ts": 280,
  "test/tools/rendered-config.test.ts": 265,
  "test/deploy/prod.test.ts": 255,
  "test/e2e/faults.test.ts": 220,
  "test/e2e/thanos-metrics.test.ts": 185,
  "test/deploy/property-dry-run.test.ts": 160,
  "test/unit/library/component-args.test.ts": 160,
  "test/tools/promtool-rules.test.ts": 150,
  "test/e2e/node-down.test.ts": 150,
  "test/unit/clouds.test.ts": 130,
  "test/e2e/thanos.test.ts": 130,
  "test/e2e/rule-evaluation.test.ts": 125,
  "test/tools/checkov.test.ts": 125,
  "test/unit/names.test.ts": 110,
  "test/tools/logs-config.test.ts": 110,
  "test/tools/custom-alerts.test.ts": 100,
  "test/tools/examples.test.ts": 95,
  "test/tools/policy-pack.test.ts": 90,
  "test/unit/config-limits.test.ts": 90,
  "test/unit/security/pod-security.test.ts": 85,
  "test/unit/docs/docs.test.ts": 80,
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
