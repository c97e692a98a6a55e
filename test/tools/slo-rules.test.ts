// The SLOs' compiled rules read by Prometheus' own parser (the deployed version), every metric they name
// exported by some part of the stack, and the latency SLO's bound checked against the histogram buckets the
// services really have (client_golang's DefBuckets, read from its source). promtool runs the burn alerts'
// cases in promtool-rules.test.ts.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HTTP_DURATION_BUCKETS } from "../../components/prometheus/contract";
import { burnWindows, compileSlos, defaultSlos, sliAt, SloSpec } from "../../components/slo";
import { exportedMetrics } from "../../components/grafana";
import { checkPromql } from "../helpers/promql";

/** client_golang as the NovaCron services' metrics library; the version Prometheus' own module requires. */
const CLIENT_GOLANG = { module: "github.com/prometheus/client_golang", version: "v1.25.0", sum: "h1:cDtW1TcFsMi1RJc8khwCKB4VhzwV04aKqbYtNOXuiK0=" };

function expressions(slos: readonly SloSpec[]): { id: string; expr: string }[] {
  const { recording, alerts } = compileSlos(slos);
  return [
    ...slos.flatMap((s) => burnWindows.flatMap((w) => [
      { id: `${s.name} good [${w}]`, expr: sliAt(s.sli.good, w) },
      { id: `${s.name} total [${w}]`, expr: sliAt(s.sli.total, w) },
    ])),
    ...recording.map((r) => ({ id: `${r.labels?.slo} ${r.record}`, expr: r.expr })),
    ...alerts.map((a) => ({ id: a.name, expr: a.expr })),
  ];
}

describe("the default SLOs, parsed by Prometheus' parser", () => {
  const queries = expressions(defaultSlos);
  const results = checkPromql(queries);

  test("good, total at every window, every recording rule and every burn alert parse", () => {
    expect(queries.length).toBe(2 * (2 * burnWindows.length + burnWindows.length + 3 + 2));
    expect(results.filter((r) => !r.ok).map((r) => `${r.id}: ${r.error}`)).toEqual([]);
  });

  test("every metric they name is exported: the metric contract's, or recorded by the rules", () => {
    const exported = exportedMetrics();
    expect(results.flatMap((r) => r.metrics.filter((m) => !exported.has(m)).map((m) => `${r.id}: ${m}`))).toEqual([]);
    expect(results.filter((r) => r.unnamedSelectors > 0).map((r) => r.id)).toEqual([]);
    const named = new Set(results.flatMap((r) => r.metrics));
    for (const m of ["http_requests_total", "http_request_duration_seconds_bucket", "http_request_duration_seconds_count", "slo:sli_error:ratio_rate1h"]) expect(named).toContain(m);
  });

  test("negative control: an SLI that the config check lets through but Prometheus cannot parse is caught here", () => {
    const broken: SloSpec = { ...defaultSlos[0], name: "broken", sli: { good: "sum(rate(http_requests_total{status!~5..}[$window]))", total: defaultSlos[0].sli.total } };
    const bad = checkPromql(expressions([broken])).filter((r) => !r.ok);
    expect(bad.length).toBeGreaterThan(0);
    expect(bad[0].error).toMatch(/parse error/);
  });
});

test("the latency SLO's bound is a bucket bound the services expose: client_golang's DefBuckets", () => {
  const out = execFileSync("go", ["mod", "download", "-json", `${CLIENT_GOLANG.module}@${CLIENT_GOLANG.version}`], {
    encoding: "utf8", cwd: os.tmpdir(), env: { ...process.env, GONOSUMDB: CLIENT_GOLANG.module }, stdio: ["ignore", "pipe", "pipe"],
  });
  const info = JSON.parse(out) as { Dir: string; Sum: string };
  expect(info.Sum).toBe(CLIENT_GOLANG.sum);
  const source = fs.readFileSync(path.join(info.Dir, "prometheus", "histogram.go"), "utf8");
  const match = /var DefBuckets = \[\]float64\{([^}]+)\}/.exec(source);
  expect(match).not.toBeNull();
  expect(match![1].split(",").map((v) => Number(v.trim()))).toEqual([...HTTP_DURATION_BUCKETS]);
}, 10 * 60_000);
