// The docs that are derived from code stay in step with it: the config reference is regenerated and compared,
// every alert the stacks render links a runbook page that exists, and the architecture diagram names what is
// deployed.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { alertCatalog, runbookSlug, runbookUrl } from "../../../components/alerts";
import { deployedCatalog } from "../../helpers/stack-catalog";
import { renderConfigReference, referencePath } from "../../../scripts/config-reference";
import { renderStack } from "../../../scripts/render";
import { presets } from "../../../stacks/presets";
import { stackSpecSchema } from "../../../stacks/schema";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const runbooksDir = path.join(repoRoot, "docs", "runbooks");

describe("docs/config-reference.md", () => {
  test("is what npm run docs generates from the schema today (run it if this fails)", () => {
    expect(fs.readFileSync(referencePath, "utf8")).toBe(renderConfigReference());
  });

  test("has a row for every top-level key and every nested key of the schema", () => {
    const text = renderConfigReference();
    for (const key of Object.keys(stackSpecSchema.shape)) expect(text).toContain(`| \`novacron:${key}\` |`);
    expect(text).toContain("| `novacron:prometheus.retentionTime` | string | `7d` | `30d` |");
    expect(text).toContain("| `novacron:alerts.HighCPUUsage.threshold` | number, 0–1 (optional) |");
  });
});

describe("runbooks", () => {
  const alerts = new Map<string, string>();
  beforeAll(async () => {
    // The runbook_url of every alert the prod stack actually deploys, read from its rendered rules.
    const { resources } = await renderStack("prod");
    const rules = resources.find((r) => r.inputs?.kind === "ConfigMap" && r.inputs.metadata.name === "prometheus-rules")!;
    for (const file of Object.values<string>(rules.inputs.data)) {
      for (const group of parse(file).groups) for (const rule of group.rules) if (rule.alert) alerts.set(rule.alert, rule.annotations.runbook_url);
    }
  });

  test("every deployed alert's runbook_url is a page in docs/runbooks/", () => {
    expect(alerts.size).toBeGreaterThanOrEqual(deployedCatalog("prod").length);
    const missing: string[] = [];
    for (const [alert, url] of alerts) {
      expect(url.startsWith(`${presets.prod.runbookBaseUrl}/`)).toBe(true);
      const file = url.slice(presets.prod.runbookBaseUrl.length + 1);
      expect(file).toBe(`${runbookSlug(alert)}.md`);
      if (!fs.existsSync(path.join(runbooksDir, file))) missing.push(`${alert}: docs/runbooks/${file}`);
    }
    expect(missing).toEqual([]);
  });

  // The prod stack renders the alerts of its scope; the catalog's other alerts (e.g. Thanos') have pages too.
  const documented = () => [...new Set([...alerts.keys(), ...alertCatalog.map((a) => a.name)])];

  test("each page is the alert's runbook: its title, and how to diagnose with PromQL and how to fix", () => {
    for (const alert of documented()) {
      const text = fs.readFileSync(path.join(runbooksDir, `${runbookSlug(alert)}.md`), "utf8");
      expect(text.split("\n")[0]).toBe(`# ${alert}`);
      for (const section of ["## What it means", "## Impact", "## Diagnose", "## Fix", "## Escalate"]) expect({ alert, section, has: text.includes(section) }).toEqual({ alert, section, has: true });
      expect(text).toMatch(/```promql\n[^`]+\n```/);
    }
  });

  test("no orphan pages: every page belongs to an alert", () => {
    const pages = fs.readdirSync(runbooksDir).filter((f) => f.endsWith(".md") && f !== "README.md");
    const slugs = new Set(documented().map((a) => `${runbookSlug(a)}.md`));
    expect(pages.filter((p) => !slugs.has(p))).toEqual([]);
  });

  test("runbook links open the Markdown page in a repository view, and a plain base stays as it is", () => {
    expect(runbookUrl("https://github.com/o/r/blob/main/docs/runbooks/", "NodeDown")).toBe("https://github.com/o/r/blob/main/docs/runbooks/node-down.md");
    expect(runbookUrl("https://gitlab.com/o/r/-/blob/main/docs/runbooks", "NodeDown")).toBe("https://gitlab.com/o/r/-/blob/main/docs/runbooks/node-down.md");
    expect(runbookUrl("https://runbooks.example.com/alerts", "NodeDown")).toBe("https://runbooks.example.com/alerts/node-down");
  });
});

test("docs/architecture.md: a Mermaid diagram naming every workload the prod stack deploys", async () => {
  const text = fs.readFileSync(path.join(repoRoot, "docs", "architecture.md"), "utf8");
  const diagram = /```mermaid\n([\s\S]+?)\n```/.exec(text)?.[1];
  expect(diagram).toBeDefined();
  expect(diagram).toMatch(/^flowchart /);
  const { resources } = await renderStack("prod");
  const workloads = resources.filter((r) => ["StatefulSet", "Deployment", "DaemonSet"].includes(r.inputs?.kind)).map((r) => r.inputs.metadata.labels["app.kubernetes.io/name"] as string);
  const readable = (name: string) => name.replace(/-/g, " ").replace("ml model exporter", "ML model exporter").replace("cadvisor", "cAdvisor");
  const missing = [...new Set(workloads)].filter((name) => !diagram!.includes(name) && !diagram!.toLowerCase().includes(readable(name).toLowerCase()));
  expect(missing).toEqual([]);
});
