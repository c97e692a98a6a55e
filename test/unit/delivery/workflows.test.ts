// The GitHub Actions workflows, read as data: they parse, every job they name exists, every step does
// something, every action is pinned to a commit, the npm scripts, stacks and policy pack they use exist in
// this repository, credentials come from OIDC, and the deploy order is dev, then prod behind an approval.
// (test/tools/actionlint.test.ts runs the real linter over the same files.)
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const workflowsDir = path.join(repoRoot, ".github", "workflows");
const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));

/** The inputs `pulumi/actions` v7.0.0 declares (its action.yml at the pinned commit). */
const pulumiActionInputs = new Set([
  "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number",
  "comment-on-summary", "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map",
  "expect-no-changes", "diff", "replace", "exclude", "exclude-dependents", "target", "target-dependents", "policyPacks",
  "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment", "color", "exclude-protected", "plan",
  "suppress-outputs", "suppress-progress", "always-include-summary", "continue-on-error", "log-verbosity", "log-flow", "debug",
]);
const PULUMI_ACTION = "pulumi/actions";
const oidcActions = ["pulumi/auth-actions", "aws-actions/configure-aws-credentials", "google-github-actions/auth", "azure/login"];
/** Long-lived credentials that must never be wired in: OIDC replaces every one of them. */
const longLivedSecrets = /secrets\.(PULUMI_ACCESS_TOKEN|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|GOOGLE_CREDENTIALS|GCP_SA_KEY|AZURE_CREDENTIALS|AZURE_CLIENT_SECRET|ARM_CLIENT_SECRET|KUBECONFIG)/;

interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, unknown>; if?: string }
interface Job { name?: string; needs?: string | string[]; uses?: string; steps?: Step[]; permissions?: Record<string, string>; environment?: string | { name: string }; strategy?: { matrix?: Record<string, unknown> } }
interface Workflow { name: string; on: unknown; permissions?: Record<string, string>; jobs: Record<string, Job> }

const files = fs.readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f)).sort();
const text: Record<string, string> = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(workflowsDir, f), "utf8")]));
const workflows: Record<string, Workflow> = Object.fromEntries(files.map((f) => {
  const doc = parseDocument(text[f], { uniqueKeys: true, strict: true });
  if (doc.errors.length) throw new Error(`${f}: ${doc.errors.map((e) => e.message).join("; ")}`);
  return [f, doc.toJS() as Workflow];
}));

const needsOf = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());
const stepsOf = (f: string) => Object.entries(workflows[f].jobs).flatMap(([id, job]) => (job.steps ?? []).map((step) => ({ job: id, step })));
const actionOf = (uses: string) => uses.split("@")[0];
/** Stack names a job deploys or previews: literal, or every value of its `matrix.stack`. */
function stacksOf(job: Job, step: Step): string[] {
  const name = String(step.with?.["stack-name"] ?? "");
  const last = name.split("/").pop()!;
  if (/\$\{\{\s*matrix\.stack\s*\}\}/.test(last)) return (job.strategy?.matrix?.stack as string[]) ?? [];
  return [last];
}

test("there are the three workflows: test, pull-request, deploy", () => {
  expect(files).toEqual(["deploy.yml", "pull-request.yml", "test.yml"]);
});

describe.each(files)("%s", (file) => {
  const wf = () => workflows[file];

  test("has a name, triggers and jobs, and read-only default permissions", () => {
    expect(wf().name).toEqual(expect.any(String));
    expect(wf().on).toBeDefined();
    expect(Object.keys(wf().jobs).length).toBeGreaterThan(0);
    expect(wf().permissions).toEqual({ contents: "read" });
  });

  test("every job it needs exists, and the needs graph has no cycle", () => {
    const jobs = wf().jobs;
    for (const [id, job] of Object.entries(jobs)) for (const need of needsOf(job)) expect({ job: id, needs: need, exists: need in jobs }).toEqual({ job: id, needs: need, exists: true });
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (id: string) => {
      if (done.has(id)) return;
      if (visiting.has(id)) throw new Error(`${file}: needs cycle through ${id}`);
      visiting.add(id);
      needsOf(jobs[id]).forEach(visit);
      visiting.delete(id);
      done.add(id);
    };
    Object.keys(jobs).forEach(visit);
  });

  test("every job runs steps or calls a workflow that exists; every step has exactly one of uses and run", () => {
    for (const [id, job] of Object.entries(wf().jobs)) {
      if (job.uses) {
        expect(job.uses).toMatch(/^\.\/\.github\/workflows\/[\w-]+\.ya?ml$/);
        expect(fs.existsSync(path.join(repoRoot, job.uses))).toBe(true);
        continue;
      }
      expect({ job: id, steps: (job.steps ?? []).length > 0 }).toEqual({ job: id, steps: true });
      for (const step of job.steps!) expect({ job: id, step: step.name ?? step.uses ?? step.run, kinds: ["uses", "run"].filter((k) => k in step) }).toEqual(expect.objectContaining({ kinds: [expect.any(String)] }));
    }
  });

  test("every action is pinned to a full commit SHA, with the release it is in a comment", () => {
    const lines = text[file].split("\n").filter((l) => /^\s*-?\s*uses:\s/.test(l) && !/uses:\s*\.\//.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.trim()).toMatch(/^(- )?uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    // The same action is pinned to the same commit everywhere.
    const pins = new Map<string, Set<string>>();
    for (const f of files) for (const { step } of stepsOf(f)) if (step.uses) pins.set(actionOf(step.uses), new Set([...(pins.get(actionOf(step.uses)) ?? []), step.uses]));
    for (const [action, refs] of pins) expect({ action, refs: refs.size }).toEqual({ action, refs: 1 });
  });

  test("the npm scripts, shell scripts and directories its steps use exist", () => {
    for (const { step } of stepsOf(file)) {
      if (!step.run) continue;
      for (const [, script] of step.run.matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect({ script, exists: script in packageJson.scripts }).toEqual({ script, exists: true });
      if (/\bnpm test\b/.test(step.run)) expect(packageJson.scripts.test).toBeDefined();
      for (const [, script] of step.run.matchAll(/bash ([\w./-]+\.sh)/g)) expect({ script, exists: fs.existsSync(path.join(repoRoot, script)) }).toEqual({ script, exists: true });
    }
  });

  test("credentials come from OIDC: id-token only where an OIDC action runs, no long-lived secrets", () => {
    expect(text[file]).not.toMatch(longLivedSecrets);
    for (const [id, job] of Object.entries(wf().jobs)) {
      const usesOidc = (job.steps ?? []).some((s) => s.uses && oidcActions.includes(actionOf(s.uses)));
      expect({ job: id, idToken: job.permissions?.["id-token"] === "write" }).toEqual({ job: id, idToken: usesOidc });
      const comments = (job.steps ?? []).some((s) => s.uses && actionOf(s.uses) === PULUMI_ACTION && s.with?.["comment-on-pr"] === true);
      expect({ job: id, prWrite: job.permissions?.["pull-requests"] === "write" }).toEqual({ job: id, prWrite: comments });
      // Nothing else beyond read access to the code.
      for (const [scope, level] of Object.entries(job.permissions ?? {})) expect(["contents:read", "id-token:write", "pull-requests:write"]).toContain(`${scope}:${level}`);
    }
  });

  test("pulumi/actions steps: known inputs, stacks that exist, the policy pack enforced", () => {
    for (const [id, job] of Object.entries(wf().jobs)) {
      for (const step of job.steps ?? []) {
        if (!step.uses || actionOf(step.uses) !== PULUMI_ACTION) continue;
        for (const input of Object.keys(step.with ?? {})) expect({ job: id, input, known: pulumiActionInputs.has(input) }).toEqual({ job: id, input, known: true });
        const stacks = stacksOf(job, step);
        expect(stacks.length).toBeGreaterThan(0);
        for (const stack of stacks) expect({ stack, exists: fs.existsSync(path.join(repoRoot, `Pulumi.${stack}.yaml`)) }).toEqual({ stack, exists: true });
        expect(step.with?.policyPacks).toBe("policy");
        expect(fs.existsSync(path.join(repoRoot, "policy", "PulumiPolicy.yaml"))).toBe(true);
        // The CLI is pinned too, at the SDK's version.
        expect(String(step.with?.["pulumi-version"])).toBe(packageJson.dependencies["@pulumi/pulumi"]);
        // The Pulumi Cloud token came from OIDC earlier in the same job.
        const steps = job.steps!;
        const auth = steps.findIndex((s) => s.uses && actionOf(s.uses) === "pulumi/auth-actions");
        expect(auth).toBeGreaterThanOrEqual(0);
        expect(auth).toBeLessThan(steps.indexOf(step));
      }
    }
  });
});

describe("what runs when", () => {
  const pulumiSteps = (file: string) => Object.entries(workflows[file].jobs).flatMap(([id, job]) => (job.steps ?? []).filter((s) => s.uses && actionOf(s.uses) === PULUMI_ACTION).map((step) => ({ id, job, step })));

  test("pull requests: tests, then a preview of dev and prod commented on the PR", () => {
    const wf = workflows["pull-request.yml"];
    expect(Object.keys(wf.on as object)).toEqual(["pull_request"]);
    expect(wf.jobs.test.uses).toBe("./.github/workflows/test.yml");
    const previews = pulumiSteps("pull-request.yml");
    expect(previews.map((p) => p.step.with?.command)).toEqual(["preview"]);
    expect(previews.flatMap((p) => stacksOf(p.job, p.step)).sort()).toEqual(["dev", "prod"]);
    for (const p of previews) {
      expect(p.step.with?.["comment-on-pr"]).toBe(true);
      expect(needsOf(p.job)).toContain("test");
    }
  });

  test("main: tests, then pulumi up dev, then prod behind the production environment", () => {
    const wf = workflows["deploy.yml"];
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
    const ups = pulumiSteps("deploy.yml");
    expect(ups.map((u) => [u.id, u.step.with?.command, stacksOf(u.job, u.step)])).toEqual([["dev", "up", ["dev"]], ["prod", "up", ["prod"]]]);
    expect(needsOf(wf.jobs.dev)).toEqual(["test"]);
    expect(needsOf(wf.jobs.prod)).toEqual(["dev"]);
    expect(wf.jobs.prod.environment).toBe("production");
    expect(wf.jobs.dev.environment).toBe("dev");
  });

  test("the test workflow runs npm test on the same toolchain as the README says", () => {
    const runs = stepsOf("test.yml").map(({ step }) => step.run ?? "");
    expect(runs).toEqual(expect.arrayContaining(["npm ci --no-audit --no-fund", "npm test"]));
    expect(workflows["test.yml"].on).toEqual({ workflow_call: null });
  });
});
