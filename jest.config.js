// Four layers, run separately or together: pure + mocks ("unit"), the real tools on the rendered output
// ("tools"), processes on loopback ("e2e") and the real Pulumi engine against an API server on loopback
// ("deploy"). swc strips types only; `tsc --noEmit` type-checks once (npm test).
const os = require("os");

const transform = { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] };
// No test or hook may fail because the machine is busy: the default budget for both is wide (a mocked stack
// render takes ~2 s alone and 20 s on a loaded 2-core machine). Tests that wait longer set their own; the
// only timing assertions are the e2e time-to-notify bounds, which derive from config.
// testTimeout is a global option: jest ignores it inside a project, so it stands here and not in `common`.
const common = { transform, testEnvironment: "node", moduleFileExtensions: ["ts", "js", "json"], setupFiles: ["<rootDir>/test/setup/stack-trace-limit.js"] };

module.exports = {
  testTimeout: 5 * 60_000,
  // Most of the e2e and deploy layers' time is spent waiting on processes (Prometheus evaluating, an alert's
  // `for`, the API server), not on CPU: more workers than cores let that waiting overlap the CPU-bound unit
  // and tools layers. jest's default (cores - 1) is one worker on 2 cores, which ran everything in series
  // (798 s for the whole suite, against 289 s with 3 workers, measured on 2 cores).
  maxWorkers: Math.max(3, os.availableParallelism() - 1),
  // Slowest files first (cached durations, else the ones measured in test/sequencer.js), so no worker starts a
  // long pole last while the others sit idle; a clean CI clone has no cache and would order by file size.
  testSequencer: "<rootDir>/test/sequencer.js",
  // The e2e fault scenarios run concurrently (test.concurrent), each on its own loopback stack.
  maxConcurrency: 8,
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts", "<rootDir>/test/helpers/**/*.test.ts", "<rootDir>/{components,stacks}/**/*.test.ts"] },
    { ...common, displayName: "tools", testMatch: ["<rootDir>/test/tools/**/*.test.ts"] },
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] },
    // The real Pulumi engine and a real API server on loopback (test/deploy/README.md).
    { ...common, displayName: "deploy", testMatch: ["<rootDir>/test/deploy/**/*.test.ts"] },
  ],
};
