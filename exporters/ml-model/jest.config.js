// swc strips types only (fast); `npm run typecheck` type-checks src and tests once.
module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] },
  moduleFileExtensions: ["ts", "js", "json"],
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 30_000,
};
