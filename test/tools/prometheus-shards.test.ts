// prod rendered with two scrape shards (novacron:prometheus.shards: 2) through the render CLI, each shard's
// prometheus.yml and rule files checked by the pinned promtool as the pod would load them.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
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
