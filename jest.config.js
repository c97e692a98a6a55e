// Three layers, run separately or together: pure + mocks ("unit"), the real tools on the rendered output
// ("tools"), and processes on loopback ("e2e"). swc strips types only; `tsc --noEmit` type-checks once.
const transform = { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] };
// No test or hook may fail because the machine is busy: the default budget for both is wide (a mocked stack
// render takes ~2 s alone and 20 s on a loaded 2-core machine). Tests that wait longer set their own; the
// only timing assertions are the e2e time-to-notify bounds, which derive from config.
// testTimeout is a global option: jest ignores it inside a project, so it stands here and not in `common`.
const common = { transform, testEnvironment: "node", moduleFileExtensions: ["ts", "js", "json"] };

module.exports = {
  testTimeout: 5 * 60_000,
  // The e2e fault scenarios run concurrently (test.concurrent), each on its own loopback stack.
  maxConcurrency: 8,
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/test/unit/**/*.test.ts", "<rootDir>/{components,stacks}/**/*.test.ts"] },
    { ...common, displayName: "tools", testMatch: ["<rootDir>/test/tools/**/*.test.ts"] },
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] },
    // The real Pulumi engine and a real API server on loopback (test/deploy/README.md).
    { ...common, displayName: "deploy", testMatch: ["<rootDir>/test/deploy/**/*.test.ts"] },
  ],
};
