// prod rendered with two scrape shards (novacron:prometheus.shards: 2) through the render CLI, each shard's
// prometheus.yml and rule files checked by the pinned promtool as the pod would load them; and the dashboards'
// panels on recorded series, evaluated by promtool over two shards' parts.
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { buildAlertCatalog, recordingNames } from "../../components/alerts";
import { APPLICATION_UID, buildDashboards } from "../../components/grafana/dashboards";
import { filesUnder, renderToTempDir } from "../helpers/rendered";
import { runTool } from "../helpers/tools";

let dir: string;
beforeAll(() => {
  dir = renderToTempDir("prod", { "novacron:prometheus": JSON.stringify({ shards: 2 }) });
}, 10 * 60_000);
afterAll(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

const ok = (result: { status: number | null; stdout: string; stderr: string }) => {
  if (result.status !== 0) throw new Error(`exit ${result.status}\n${result.stdout}\n${result.stderr}`);
  return result.stdout + result.stderr;
};

test.each([
  ["shard 0", "prometheus"],
  ["shard 1", path.join("prometheus", "shard-1")],
])("promtool check config: %s's config with its own rule files, as its pod mounts them", (_, shardDir) => {
  const sa = path.join(dir, "sa");
  fs.mkdirSync(sa, { recursive: true });
  fs.writeFileSync(path.join(sa, "token"), "token");
  fs.writeFileSync(path.join(sa, "ca.crt"), "");
  const config = fs.readFileSync(path.join(dir, shardDir, "prometheus.yml"), "utf8")
    .replaceAll("/var/run/secrets/kubernetes.io/serviceaccount", sa)
    .replaceAll("/etc/prometheus/rules", path.join(dir, shardDir, "rules"));
  const local = path.join(dir, `${path.basename(shardDir)}-local.yml`);
  fs.writeFileSync(local, config);
  expect(ok(runTool("promtool", ["check", "config", "--lint=all", local], { timeoutMs: 10 * 60_000 }))).toMatch(/SUCCESS: 5 rule files found/);
  ok(runTool("promtool", ["check", "rules", ...filesUnder(path.join(dir, shardDir, "rules"), ".yml")], { timeoutMs: 10 * 60_000 }));
}, 15 * 60_000);

test("shard 1 scrapes a part of shard 0's jobs, and is an HA group of its own for the deduplicating clouds (AMP, Azure Monitor)", () => {
  const [zero, one] = ["prometheus", path.join("prometheus", "shard-1")].map((d) => parse(fs.readFileSync(path.join(dir, d, "prometheus.yml"), "utf8")));
  expect([zero.global.external_labels.shard, one.global.external_labels.shard]).toEqual(["0", "1"]);
  const oneJobs: string[] = one.scrape_configs.map((j: any) => j.job_name);
  expect(oneJobs.filter((job) => !zero.scrape_configs.some((j: any) => j.job_name === job))).toEqual([]);
  expect(oneJobs.length).toBeLessThan(zero.scrape_configs.length);
  const cluster = zero.global.external_labels.cluster;
  const haGroups = (config: any) => config.remote_write.map((rw: any) => (rw.write_relabel_configs ?? []).find((r: any) => r.target_label === "cluster")?.replacement ?? cluster);
  expect(haGroups(zero)).toEqual([cluster, cluster]); // prod's AMP and Azure queues
  expect(haGroups(one)).toEqual([`${cluster}-shard-1`, `${cluster}-shard-1`]);
});

test("with shards, the dashboards' recorded-series panels give the whole from the shards' parts (promtool evaluates them)", () => {
  // Two shards each recorded a part of service api: 3 and 1 requests/s, 10 % and 50 % errors, and their bucket rates.
  const panels = buildDashboards(buildAlertCatalog(), 2).find((d) => d.uid === APPLICATION_UID)!.model as any;
  const exprOf = (title: string) => panels.panels.find((p: any) => p.title === title).targets[0].expr.replace(/\$\w+/g, ".*") as string;
  const series = (name: string, shard: number, value: number, labels = "") => ({ series: `${name}{service="api", cluster="c", environment="prod", shard="${shard}"${labels}}`, values: `${value}x2` });
  const buckets = (shard: number, counts: number[]) => ["0.1", "0.5", "1", "+Inf"].map((le, i) => series(recordingNames.latencyBuckets, shard, counts[i], `, le="${le}"`));
  const whole = `{cluster="c", environment="prod", service="api"}`;
  const tests = {
    rule_files: [],
    evaluation_interval: "1m",
    tests: [{
      interval: "1m",
      input_series: [
        series(recordingNames.requests, 0, 3), series(recordingNames.requests, 1, 1),
        series(recordingNames.errorRatio, 0, 0.1), series(recordingNames.errorRatio, 1, 0.5),
        ...buckets(0, [2, 12, 12, 12]), ...buckets(1, [0, 4, 8, 8]),
      ],
      promql_expr_test: [
        { expr: exprOf("Requests per second"), eval_time: "1m", exp_samples: [{ labels: whole, value: 4 }] },
        // (3 × 0.1 + 1 × 0.5) / 4, not either shard's ratio.
        { expr: exprOf("Error rate"), eval_time: "1m", exp_samples: [{ labels: whole, value: 0.2 }] },
        // The whole's buckets (2, 16, 20, 20): rank 19 of 20 lies 3/4 into (0.5, 1]; neither shard alone says 0.875.
        { expr: exprOf("p95 response time"), eval_time: "1m", exp_samples: [{ labels: whole, value: 0.875 }] },
      ],
    }],
  };
  const file = path.join(dir, "dashboards-across-shards.test.yml");
  fs.writeFileSync(file, stringify(tests));
  ok(runTool("promtool", ["test", "rules", file], { timeoutMs: 10 * 60_000 }));
});
