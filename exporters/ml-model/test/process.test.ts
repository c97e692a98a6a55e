// The built exporter (dist/main.js, as the image runs it) as a real process: configuration errors at
// start, and a graceful stop on SIGTERM even with a scrape waiting on a silent ML service.
// `npm test` builds dist first (pretest).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { parseExposition, value } from "./support/exposition";
import { FakeMlService } from "./support/fake-ml-service";
import { fixtureSnapshot } from "./support/fixtures";
import { endpointWithCredentials, leakedForms, SENTINEL_PASSWORD, SENTINEL_USER } from "./support/sentinel";

const MAIN = path.join(__dirname, "..", "dist", "main.js");
const children: ChildProcess[] = [];

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Resolves with the port from the "listening" log line. */
async function listeningPort(output: () => { stdout: string }, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /"address":"127\.0\.0\.1:(\d+)"/.exec(output().stdout);
    if (m) return Number(m[1]);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`exporter did not start: ${JSON.stringify(output())}`);
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does it first)`);
});

it("refuses to start with a clear message when the configuration is invalid", async () => {
  const p = run({ EXPORT_PORT: "http", SCRAPE_TIMEOUT: "-1" });
  expect(await p.exited).toBe(2);
  expect(p.output().stderr).toBe(
    "ml-model-exporter: invalid configuration:\n" +
      '  - EXPORT_PORT: must be a TCP port number (0-65535) (got "http")\n' +
      '  - SCRAPE_TIMEOUT: must be a number of seconds, e.g. 5 (got "-1")\n',
  );
});

it("stops gracefully on SIGTERM, answering the scrape in progress first", async () => {
  const ml = await new FakeMlService().start();
  ml.behaviour = { kind: "hang" };
  try {
    const p = run({ ML_MODEL_ENDPOINT: ml.url, EXPORT_HOST: "127.0.0.1", EXPORT_PORT: "0", SCRAPE_TIMEOUT: "30" });
    const port = await listeningPort(p.output);
    const scrape = fetch(`http://127.0.0.1:${port}/metrics`).then(async (r) => ({ status: r.status, text: await r.text() }));
    while (ml.requests === 0) await new Promise((r) => setTimeout(r, 10)); // the scrape is waiting on the ML service
    const signalled = performance.now();
    p.child.kill("SIGTERM");
    const answered = await scrape;
    expect(answered.status).toBe(200);
    expect(value(parseExposition(answered.text), "ml_exporter_up")).toBe(0);
    expect(await p.exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(5_000);
    expect(p.output().stdout).toContain('"msg":"shutting down","signal":"SIGTERM"');
  } finally {
    await ml.stop();
  }
});

describe("credentials in ML_MODEL_ENDPOINT are never printed or served", () => {
  it.each([
    ["an unsupported scheme", `ftp://${SENTINEL_USER}:${encodeURIComponent(SENTINEL_PASSWORD)}@ml-service/`],
    ["a raw password that does not parse as a URL", `ml-service:${SENTINEL_PASSWORD}@host:8000`],
    ["a token in the query of a malformed URL", `http//ml-service/?token=${encodeURIComponent(SENTINEL_PASSWORD)}`],
  ])("the configuration error, for %s", async (_, endpoint) => {
    const p = run({ ML_MODEL_ENDPOINT: endpoint });
    expect(await p.exited).toBe(2);
    const { stdout, stderr } = p.output();
    expect(stderr).toMatch(/ML_MODEL_ENDPOINT: must be an http\(s\) URL/);
    expect(leakedForms(stdout + stderr)).toEqual([]);
  });

  it("the log lines and the / page, while the credentials are still sent to the ML service", async () => {
    const ml = await new FakeMlService().start();
    ml.behaviour = { kind: "status", status: 503 }; // a failure logs the URL and the error
    try {
      const p = run({ ML_MODEL_ENDPOINT: endpointWithCredentials(ml.url), EXPORT_HOST: "127.0.0.1", EXPORT_PORT: "0", LOG_LEVEL: "debug" });
      const port = await listeningPort(p.output);
      await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      ml.behaviour = { kind: "json", body: fixtureSnapshot() };
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(page).toContain("REDACTED:REDACTED@127.0.0.1");
      expect(ml.lastAuthorization).toBe(`Basic ${Buffer.from(`${SENTINEL_USER}:${SENTINEL_PASSWORD}`).toString("base64")}`);
      p.child.kill("SIGTERM");
      expect(await p.exited).toBe(0);
      const { stdout, stderr } = p.output();
      expect(stdout).toContain('"msg":"ML service refresh failed"');
      expect(leakedForms(stdout + stderr + page)).toEqual([]);
    } finally {
      await ml.stop();
    }
  });
});
