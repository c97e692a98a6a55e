// The rendered dev and prod output, checked by the tools that will consume it: promtool, amtool,
// blackbox_exporter and the Kubernetes API schemas (kubernetes-validate).
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { alertCatalog } from "../../components/alerts";
import { images, imageTag } from "../../components/images";
import { filesUnder, renderToTempDir } from "../helpers/rendered";
import { deployedCatalog } from "../helpers/stack-catalog";
import { runTool } from "../helpers/tools";

const repoRoot = path.resolve(__dirname, "..", "..");
const out: Record<string, string> = {};

beforeAll(() => {
  out.dev = renderToTempDir("dev");
  out.prod = renderToTempDir("prod");
});
afterAll(() => Object.values(out).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const ok = (result: { status: number | null; stdout: string; stderr: string }) => {
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
};

test("the tools are the versions of the images we deploy", () => {
  const pinned = Object.fromEntries(fs.readFileSync(path.join(repoRoot, "scripts", "versions.env"), "utf8")
    .split("\n").filter((l) => /^\w+=/.test(l)).map((l) => l.split("=")));
  expect(imageTag(images.prometheus)).toBe(`v${pinned.PROMETHEUS_VERSION}`);
  expect(imageTag(images.alertmanager)).toBe(`v${pinned.ALERTMANAGER_VERSION}`);
  expect(imageTag(images.nodeExporter)).toBe(`v${pinned.NODE_EXPORTER_VERSION}`);
  expect(imageTag(images.blackboxExporter)).toBe(`v${pinned.BLACKBOX_EXPORTER_VERSION}`);
  expect(ok(runTool("prometheus", ["--version"]))).toContain(`version ${pinned.PROMETHEUS_VERSION}`);
  expect(ok(runTool("alertmanager", ["--version"]))).toContain(`version ${pinned.ALERTMANAGER_VERSION}`);
});

describe.each(["dev", "prod"])("%s", (env) => {
  test("promtool check config: the full check, with the rule files and the service account files in place", () => {
    // Inside the pod, the service account token and CA are mounted and the rules sit in /etc/prometheus/rules.
    const dir = out[env];
    const sa = path.join(dir, "sa");
    fs.mkdirSync(sa, { recursive: true });
    fs.writeFileSync(path.join(sa, "token"), "token");
    fs.writeFileSync(path.join(sa, "ca.crt"), "");
    const config = fs.readFileSync(path.join(dir, "prometheus", "prometheus.yml"), "utf8")
      .replaceAll("/var/run/secrets/kubernetes.io/serviceaccount", sa)
      .replaceAll("/etc/prometheus/rules", path.join(dir, "prometheus", "rules"));
    const localConfig = path.join(dir, "prometheus-local.yml");
    fs.writeFileSync(localConfig, config);
    const output = ok(runTool("promtool", ["check", "config", "--lint=all", localConfig]));
    expect(output).toMatch(/SUCCESS: 5 rule files found/);
    // The alert rules themselves: every catalog alert is in the rendered files.
    const rendered = filesUnder(path.join(dir, "prometheus", "rules"), ".yml").map((f) => fs.readFileSync(f, "utf8")).join("\n");
    for (const alert of deployedCatalog(env as "dev" | "prod")) expect(rendered).toContain(`alert: ${alert.name}`);
  });

  test("promtool check rules on the rendered rule files", () => {
    ok(runTool("promtool", ["check", "rules", ...filesUnder(path.join(out[env], "prometheus", "rules"), ".yml")]));
  });

  // The stack's own alerts as it runs them (its settings and user alerts applied), each with its cases.
  test("promtool test rules: the rendered cases of every alert the stack runs", () => {
    const dir = path.join(out[env], "prometheus", "rule-tests");
    const result = runTool("promtool", ["test", "rules", ...filesUnder(dir, ".test.yml").map((f) => path.basename(f))], { cwd: dir });
    expect(ok(result)).toContain("SUCCESS");
  });

  test("amtool check-config", () => {
    const output = ok(runTool("amtool", ["check-config", path.join(out[env], "alertmanager", "alertmanager.yml")]));
    expect(output).toContain("SUCCESS");
  });

  test("blackbox_exporter --config.check", () => {
    ok(runTool("blackbox_exporter", ["--config.check", `--config.file=${path.join(out[env], "blackbox", "blackbox.yml")}`]));
  });

  test("every Kubernetes manifest is valid against the API schema (strict: no unknown fields)", () => {
    const bin = execFileSync("bash", [path.join(repoRoot, "scripts", "install-python-tools.sh")], { encoding: "utf8" }).trim();
    const manifests = filesUnder(path.join(out[env], "kubernetes"), ".yaml");
    expect(manifests.length).toBeGreaterThanOrEqual(7);
    // The oldest and newest Kubernetes minor versions we support.
    for (const version of ["1.32.0", "1.37.0"]) {
      const result = spawnSync(path.join(bin, "kubernetes-validate"), ["--strict", "--quiet", "-k", version, ...manifests], { encoding: "utf8" });
      ok(result);
    }
  });
});

test("kubernetes-validate rejects a manifest with an unknown field (the check can fail)", () => {
  const bin = execFileSync("bash", [path.join(repoRoot, "scripts", "install-python-tools.sh")], { encoding: "utf8" }).trim();
  const bad = path.join(out.dev, "bad.yaml");
  const [sts] = fs.readFileSync(path.join(out.dev, "kubernetes", "prometheus.yaml"), "utf8").split("---\n").map((d) => parse(d)).filter((d) => d.kind === "StatefulSet");
  sts.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true; // misspelt
  fs.writeFileSync(bad, JSON.stringify(sts));
  const result = spawnSync(path.join(bin, "kubernetes-validate"), ["--strict", "--quiet", "-k", "1.37.0", bad], { encoding: "utf8" });
  expect(result.status).not.toBe(0);
});

describe("amtool config routes test: the routing tree sends each alert where the on-call expects it", () => {
  const route = (env: string, labels: Record<string, string>) => {
    const args = ["config", "routes", "test", `--config.file=${path.join(out[env], "alertmanager", "alertmanager.yml")}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
    return ok(runTool("amtool", args)).trim().split("\n").pop()!.split(",").sort();
  };

  test.each([
    [{ alertname: "Watchdog", severity: "none", domain: "stack" }, ["heartbeat"]],
    [{ alertname: "NodeDown", severity: "critical", domain: "infrastructure" }, ["pagerduty", "team-infrastructure"]],
    [{ alertname: "HighCPUUsage", severity: "warning", domain: "infrastructure" }, ["team-infrastructure"]],
    [{ alertname: "HighErrorRate", severity: "critical", domain: "application" }, ["pagerduty", "team-application"]],
    [{ alertname: "HighResponseTime", severity: "warning", domain: "application" }, ["team-application"]],
    [{ alertname: "ModelPerformanceDegradation", severity: "warning", domain: "ml" }, ["team-ml"]],
    [{ alertname: "KubePodCrashLooping", severity: "warning", domain: "kubernetes" }, ["team-kubernetes"]],
    // A kubernetes alert made critical by novacron:alerts.<name>.severity pages too.
    [{ alertname: "KubePodCrashLooping", severity: "critical", domain: "kubernetes" }, ["pagerduty", "team-kubernetes"]],
    [{ alertname: "PrometheusConfigReloadFailed", severity: "critical", domain: "stack" }, ["pagerduty", "team-stack"]],
    [{ alertname: "SomethingUnlabelled" }, ["team-stack"]],
  ])("prod: %o → %o", (labels, receivers) => {
    expect(route("prod", labels)).toEqual(receivers);
  });

  test("prod: the kubernetes team's receiver posts to its own Slack channel (notifications.slack.domainChannels.kubernetes)", () => {
    const config = parse(fs.readFileSync(path.join(out.prod, "alertmanager", "alertmanager.yml"), "utf8"));
    const channelOf = (name: string) => config.receivers.find((r: { name: string }) => r.name === name).slack_configs[0].channel;
    expect(channelOf("team-kubernetes")).toBe("#alerts-kubernetes");
    // A domain without its own channel falls back to the default one.
    expect(channelOf("team-stack")).toBe("#alerts");
  });

  test("dev has no pager: critical alerts go to the team channel only", () => {
    expect(route("dev", { alertname: "NodeDown", severity: "critical", domain: "infrastructure" })).toEqual(["team-infrastructure"]);
  });

  test("every catalog alert reaches its domain's team in prod, and pages when critical", () => {
    for (const alert of alertCatalog.filter((a) => a.name !== "Watchdog")) {
      const expected = [`team-${alert.domain}`, ...(alert.severity === "critical" ? ["pagerduty"] : [])].sort();
      expect([alert.name, route("prod", { alertname: alert.name, severity: alert.severity, domain: alert.domain })]).toEqual([alert.name, expected]);
    }
  });
});
