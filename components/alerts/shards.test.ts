// Which alerts the scrape shards beyond 0 evaluate: all but those that fire on absent series. Those must watch
// only jobs shard 0 scrapes whole, or no shard would see all of their targets.
import { SPLIT_JOBS } from "../prometheus/render-config";
import { buildAlertCatalog } from "./catalog";
import { alertsBeyondFirstShard, firesOnAbsence } from "./shards";

const catalog = buildAlertCatalog();

test("absent() and absent_over_time() fire on absence; a comparison or a count does not", () => {
  expect(firesOnAbsence('absent(up{job="apiserver"} == 1)')).toBe(true);
  expect(firesOnAbsence('absent_over_time(up{job="grafana"}[5m])')).toBe(true);
  expect(firesOnAbsence("max by (job) (absent(foo))")).toBe(true);
  expect(firesOnAbsence('up{job="node-exporter"} == 0')).toBe(false);
  expect(firesOnAbsence('(count by (job) (up == 0) / count by (job) (up)) > 0.1')).toBe(false);
  // A metric named like the function is not a call.
  expect(firesOnAbsence("absent_things_total > 0")).toBe(false);
});

test("shards beyond 0 leave out exactly the catalog's absent() alerts and the Watchdog, and keep every other alert in order", () => {
  const kept = alertsBeyondFirstShard(catalog);
  const left = catalog.filter((alert) => !kept.includes(alert)).map((alert) => alert.name);
  expect(left.sort()).toEqual(["EckOperatorDown", "GrafanaDown", "KubeAPIDown", "Watchdog"]);
  expect(kept).toEqual(catalog.filter((alert) => !left.includes(alert.name)));
});

test("every alert that fires on absence watches only jobs shard 0 scrapes whole", () => {
  for (const alert of catalog.filter((a) => firesOnAbsence(a.expr))) {
    const jobs = [...alert.expr.matchAll(/job=~?"([^"]+)"/g)].map((m) => m[1]);
    expect({ alert: alert.name, jobs: jobs.length > 0 }).toEqual({ alert: alert.name, jobs: true });
    for (const job of jobs) expect({ alert: alert.name, split: SPLIT_JOBS.some((split) => new RegExp(`^(?:${job})$`).test(split) || job.startsWith("novacron-")) }).toEqual({ alert: alert.name, split: false });
  }
});
