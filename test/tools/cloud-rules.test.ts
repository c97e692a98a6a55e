// What the clouds will evaluate, checked by the real tools: the AMP rule groups namespaces and the Azure rule
// groups (converted back to a Prometheus rule file) pass `promtool check rules`; AMP's Alertmanager
// configuration passes `amtool check-config`. Rendered through the real CLI (npm run render's script).
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { renderToTempDir } from "../helpers/rendered";
import { deployedCatalog } from "../helpers/stack-catalog";
import { runTool, toolsBinDir } from "../helpers/tools";

let out: string;
beforeAll(() => {
  toolsBinDir();
  out = renderToTempDir("prod");
}, 30 * 60_000);
afterAll(() => out && fs.rmSync(out, { recursive: true, force: true }));

function ok(result: ReturnType<typeof runTool>) {
  if (result.error) throw result.error;
  expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: expect.any(String) });
  return `${result.stdout}${result.stderr}`;
}

const cloudRuleFiles = () => [
  ...fs.readdirSync(path.join(out, "cloud", "aws", "rules")).map((f) => path.join(out, "cloud", "aws", "rules", f)),
  path.join(out, "cloud", "azure", "prometheus-rules.yml"),
];

describe("promtool check rules", () => {
  test("there is one AMP namespace per domain and the Azure rule file", () => {
    expect(cloudRuleFiles().map((f) => path.relative(out, f)).sort()).toEqual([
      "cloud/aws/rules/novacron-application.yml", "cloud/aws/rules/novacron-infrastructure.yml", "cloud/aws/rules/novacron-ml.yml", "cloud/aws/rules/novacron-stack.yml",
      "cloud/azure/prometheus-rules.yml",
    ]);
  });

  test.each([["AMP", "aws"], ["Azure", "azure"]])("%s rules load and lint clean, and hold every catalog alert", (_, cloud) => {
    const files = cloudRuleFiles().filter((f) => f.includes(`/cloud/${cloud}/`));
    const output = ok(runTool("promtool", ["check", "rules", "--lint=all", "--lint-fatal", ...files]));
    const alerts = files.flatMap((f) => (parse(fs.readFileSync(f, "utf8")).groups as { rules: { alert?: string }[] }[]).flatMap((g) => g.rules).filter((r) => r.alert).map((r) => r.alert));
    expect(alerts.sort()).toEqual(deployedCatalog("prod").map((a) => a.name).sort());
    expect(output).toMatch(/SUCCESS/);
  });

  test("a broken expression is refused (negative control)", () => {
    const broken = path.join(out, "broken.yml");
    fs.writeFileSync(broken, fs.readFileSync(path.join(out, "cloud", "azure", "prometheus-rules.yml"), "utf8").replace(/expr: vector\(1\)/, "expr: vector(1"));
    const result = runTool("promtool", ["check", "rules", broken]);
    expect(result.status).not.toBe(0);
  });
});

test("amtool check-config accepts AMP's Alertmanager definition", () => {
  const definition = parse(fs.readFileSync(path.join(out, "cloud", "aws", "alertmanager-definition.yml"), "utf8"));
  const file = path.join(out, "amp-alertmanager.yml");
  fs.writeFileSync(file, definition.alertmanager_config);
  const output = ok(runTool("amtool", ["check-config", file]));
  expect(output).toContain("SUCCESS");
});
