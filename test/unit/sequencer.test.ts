// The order jest runs the files in (test/sequencer.js): slowest first, whatever the file sizes say.
import * as fs from "fs";
import * as path from "path";

// Plain JavaScript, as jest loads it (jest.config.js names it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SlowestFirst = require("../sequencer") as (new (options: object) => { sort(tests: object[]): { path: string }[] }) & { measuredSeconds: Record<string, number> };
const { measuredSeconds } = SlowestFirst;
const repoRoot = path.resolve(__dirname, "..", "..");

/** A test as jest hands it to the sequencer, with no cache (a clean clone) and a given file size. */
const fakeTest = (file: string, size: number) => ({
  path: path.join(repoRoot, file),
  context: { config: { cache: false }, hasteFS: { getSize: () => size } },
});

test("every file the table times exists, as a test file jest runs", () => {
  const missing = Object.keys(measuredSeconds).filter((file) => !/^test\/(unit|tools|e2e|deploy)\/.+\.test\.ts$/.test(file) || !fs.existsSync(path.join(repoRoot, file)));
  expect(missing).toEqual([]);
  expect(Object.keys(measuredSeconds).length).toBeGreaterThan(5);
});

test("without a cache, the timed files run first, slowest first, then the rest by size", () => {
  const timed = Object.keys(measuredSeconds);
  // Sizes that would put them last: a big untimed file and a small one.
  const tests = [fakeTest("test/unit/small.test.ts", 10), ...[...timed].reverse().map((file) => fakeTest(file, 1)), fakeTest("test/unit/big.test.ts", 90_000)];
  const order = new SlowestFirst({}).sort(tests).map((t) => path.relative(repoRoot, t.path));
  const bySeconds = [...timed].sort((a, b) => measuredSeconds[b] - measuredSeconds[a]);
  expect(order.slice(0, timed.length).map((file) => measuredSeconds[file])).toEqual(bySeconds.map((file) => measuredSeconds[file]));
  expect(order.slice(timed.length)).toEqual(["test/unit/big.test.ts", "test/unit/small.test.ts"]);
});
