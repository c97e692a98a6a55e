// checkov, a scanner no one here wrote, over the rendered Kubernetes manifests of dev and prod (the files
// `npm run render` writes to out/<stack>/kubernetes). Every failed check must be listed, with its reason,
// in security/checkov-exceptions.yaml; an exception that no longer matches a failure is stale and fails too.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { makeTempDir, removeOnExit } from "../loopback/processes";
import { renderToTempDir } from "../helpers/rendered";

const repoRoot = path.resolve(__dirname, "..", "..");
const exceptionsFile = path.join(repoRoot, "security", "checkov-exceptions.yaml");

interface Finding {
  check: string;
  resource: string;
  name: string;
}
interface Exception {
  check: string;
  resource: string;
  reason: string;
}

let checkovBin: string;
const stacks = ["dev", "prod"] as const;
const findings: Record<string, Finding[]> = {};
const passed: Record<string, number> = {};
const exceptions = (parse(fs.readFileSync(exceptionsFile, "utf8")) as { exceptions: Exception[] }).exceptions;

/** checkov's failed checks for every manifest under `dir`, and how many checks passed. */
function scan(dir: string): { failed: Finding[]; passed: number } {
  // --skip-download: the checks ship with the pinned package; nothing is fetched.
  const result = spawnSync(checkovBin, ["--directory", dir, "--framework", "kubernetes", "--output", "json", "--quiet", "--compact", "--skip-download"], {
    encoding: "utf8",
    env: { ...process.env, BC_SKIP_MAPPING: "TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: "false" },
    timeout: 300_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  // Exit status 1 means "some check failed"; anything else, or no JSON, is a scanner error.
  if (result.status !== 0 && result.status !== 1) throw new Error(`checkov failed (${result.status}): ${result.stderr}${result.error ?? ""}`);
  const reports = ([] as any[]).concat(JSON.parse(result.stdout));
  const report = reports.find((r) => r.check_type === "kubernetes");
  if (!report) throw new Error(`checkov reported no kubernetes results: ${result.stdout.slice(0, 500)}`);
  return {
    failed: report.results.failed_checks.map((c: any) => ({ check: c.check_id, resource: c.resource, name: c.check_name })),
    passed: report.summary.passed,
  };
}

const excepted = (f: Finding) => exceptions.some((e) => e.check === f.check && (e.resource === "*" || e.resource === f.resource));

beforeAll(() => {
  checkovBin = path.join(execFileSync("bash", [path.join(repoRoot, "scripts", "install-python-tools.sh")], { encoding: "utf8" }).trim(), "checkov");
  for (const stack of stacks) {
    const dir = removeOnExit(renderToTempDir(stack));
    const result = scan(path.join(dir, "kubernetes"));
    findings[stack] = result.failed;
    passed[stack] = result.passed;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 600_000);

test.each(stacks)("%s: every failed check is fixed or a reviewed exception", (stack) => {
  const unexpected = findings[stack].filter((f) => !excepted(f)).map((f) => `${f.check} ${f.resource} (${f.name})`);
  console.log(`checkov ${stack}: ${passed[stack]} passed, ${findings[stack].length} failed, of which ${findings[stack].length - unexpected.length} reviewed exceptions and ${unexpected.length} not`);
  expect(passed[stack]).toBeGreaterThan(100);
  expect(unexpected).toEqual([]);
});

test("no exception is stale: each matches a failure in some stack, and says why", () => {
  const all = stacks.flatMap((s) => findings[s]);
  const stale = exceptions.filter((e) => !all.some((f) => f.check === e.check && (e.resource === "*" || e.resource === f.resource)));
  expect(stale.map((e) => `${e.check} ${e.resource}`)).toEqual([]);
  for (const e of exceptions) expect([e.check, e.resource, e.reason.length > 40]).toEqual([e.check, e.resource, true]);
});

test("checkov finds what it should in a manifest that breaks the rules (the scan can fail)", () => {
  const dir = makeTempDir("checkov-bad");
  fs.writeFileSync(path.join(dir, "bad.yaml"), [
    "apiVersion: v1",
    "kind: Pod",
    "metadata: { name: bad, namespace: monitoring }",
    "spec:",
    "  hostNetwork: true",
    "  containers:",
    "    - name: bad",
    "      image: busybox:latest",
    "      securityContext: { privileged: true }",
  ].join("\n"));
  const checks = new Set(scan(dir).failed.map((f) => f.check));
  fs.rmSync(dir, { recursive: true, force: true });
  // privileged, host network, no resource limits, latest tag.
  for (const id of ["CKV_K8S_16", "CKV_K8S_19", "CKV_K8S_11", "CKV_K8S_14"]) expect([id, checks.has(id)]).toEqual([id, true]);
});
