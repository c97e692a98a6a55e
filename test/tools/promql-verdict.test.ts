// Our config-time PromQL verdict (components/alerts/promql.ts, Prometheus' lezer grammar plus the Go parser's
// post-parse checks) against Prometheus' own parser (tools/promql-check, the module version we deploy), on
// expressions each should accept and each should refuse. A case where the two disagree fails, whichever way.
import { parsePromql } from "../../components/alerts/promql";
import { alertCatalog, recordingRules } from "../../components/alerts/catalog";
import { checkPromql } from "../helpers/promql";

const valid = [
  'up == 0',
  // The modifier binds to the right operand (lezer's tree puts it around the binary expression).
  'kube_pod_container_status_restarts_total - kube_pod_container_status_restarts_total offset 30m > 3',
  'rate(http_requests_total{job="api"}[5m]) > 0.1',
  'sum by (service) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (service) (rate(http_requests_total[5m])) > 0.05',
  'histogram_quantile(0.95, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5',
  'absent(up{job="node-exporter"})',
  'topk(3, node_load1)',
  'count_values("version", build_info)',
  'quantile(0.9, node_load1)',
  'max_over_time(rate(x_total[1m])[10m:1m])',
  'x offset 5m',
  'x[5m] offset -1h',
  'x @ 1700000000',
  'rate(x[5m] @ end())',
  'label_replace(up, "a", "$1", "instance", "(.*):.*")',
  'label_join(up, "a", ",", "job", "instance")',
  'round(x)',
  'round(x, 0.5)',
  'hour()',
  'time() - node_boot_time_seconds > 600',
  '1 > bool 0',
  'a and on(job) b',
  'a / ignoring(instance) group_left(team) b',
  '{__name__="up", job="x"}',
  '{"my.metric", job="x"}',
  'x{a!="", b=~".+"}',
  '-x',
  '(x + 1) * 2 ^ 3 % 4',
  'sum without (instance) (x)',
  'sum(x) by (job)',
  'predict_linear(node_filesystem_avail_bytes[6h], 4 * 86400) < 0',
  "x{a='single'}",
  'x{a=`raw\\d`}',
  'vector(1)',
  'scalar(x) > bool 1',
  'clamp(x, 0, 1)',
  'histogram_fraction(0, 0.5, x)',
  'x # a comment',
  'first_over_time(x[5m])',
  '0x1f + 1_000',
  'x[5m+1m]',
  'x offset (1m*2)',
  'x </ 1',
  'x[5m] anchored',
  'rate(x[5m:])',
  'x atan2 y',
];

const invalid = [
  'sum(',
  'rate(up)',
  'rate(x[5m]',
  'x{a="b"',
  'up ==',
  '"unterminated',
  'x{a="unterminated}',
  'sum(x[5m])',
  'x[5m][1m]',
  'sum(x)[5m]',
  'abs(x, y)',
  'label_replace(up, "a")',
  'max_of(1, 2)',
  'mad_over_time(x[5m])',
  'limitk(2, x)',
  'sort_by_label(x, "a")',
  'info(x)',
  'nosuchfunction(x)',
  '{}',
  '{a=""}',
  '{a=~".*"}',
  'x{__name__="y"}',
  '1 > 2',
  '1 and 2',
  'x + "a"',
  'x[5m] > 1',
  'topk(x)',
  'topk("a", x)',
  'count_values(1, x)',
  'x + bool y',
  'a and on(job) group_left b',
  '1 + on(job) x',
  'sum(x) offset 5m',
  'atan2(x, y)',
  'x + on(a) fill(0) y',
  'max_over_time(rate(x[1m])[10m:1m] anchored)',
  'sum(x) smoothed',
  'x{a=~"("}',
  'x{a="\\q"}',
  '-"a"',
  '',
];

describe("our PromQL verdict agrees with Prometheus' parser", () => {
  const cases = [...valid.map((expr) => ({ expr, expected: true })), ...invalid.map((expr) => ({ expr, expected: false }))];
  let prometheus: Map<string, { ok: boolean; error?: string; metrics: string[] }>;

  beforeAll(() => {
    const catalogExprs = [...alertCatalog.map((a) => a.expr), ...recordingRules.map((r) => r.expr)];
    const all = [...cases.map((c) => c.expr), ...catalogExprs];
    const results = checkPromql(all.map((expr, i) => ({ id: String(i), expr })));
    prometheus = new Map(results.map((r, i) => [all[i], r]));
  }, 300_000);

  it("holds each case to what Prometheus really says (the lists are not taken on trust)", () => {
    const wrongList = cases.filter(({ expr, expected }) => prometheus.get(expr)!.ok !== expected).map(({ expr }) => `${expr} → Prometheus ${prometheus.get(expr)!.error ?? "accepts"}`);
    expect(wrongList).toEqual([]);
  });

  it.each(cases.map(({ expr }) => [expr]))("%s", (expr) => {
    const ours = parsePromql(expr);
    const theirs = prometheus.get(expr)!;
    expect({ expr, ok: ours.ok, errors: ours.errors.length > 0 }).toEqual({ expr, ok: theirs.ok, errors: !theirs.ok });
    if (theirs.ok) expect(ours.metrics).toEqual(theirs.metrics);
  });

  it("accepts every catalog alert and recording rule, naming the same metrics as Prometheus", () => {
    const disagreements = [...alertCatalog.map((a) => a.expr), ...recordingRules.map((r) => r.expr)]
      .map((expr) => ({ expr, ours: parsePromql(expr), theirs: prometheus.get(expr)! }))
      .filter(({ ours, theirs }) => ours.ok !== theirs.ok || ours.metrics.join() !== theirs.metrics.join())
      .map(({ expr, ours }) => `${expr}: ${ours.errors.join("; ") || ours.metrics.join()}`);
    expect(disagreements).toEqual([]);
  });
});
