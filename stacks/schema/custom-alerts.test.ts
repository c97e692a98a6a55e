import { buildAlertCatalog, renderRuleFiles } from "../../components/alerts";
import { accepts, problemsOf } from "../../test/helpers/config-problems";
import { exampleCustomAlerts } from "../../test/fixtures/custom-alerts";
import { parseStackConfig } from "../config";

const dev = (customAlerts: unknown) => ({ environment: "dev", customAlerts });
const [payments, traffic] = exampleCustomAlerts.alerts;
const withAlert = (changes: Record<string, unknown>, metrics = exampleCustomAlerts.metrics) => dev({ metrics, alerts: [{ ...payments, ...changes }] });

test("the docs' example is accepted and joins the catalog with its labels and runbook", () => {
  const { spec } = parseStackConfig({ "novacron:environment": "dev", "novacron:customAlerts": JSON.stringify(exampleCustomAlerts) });
  const catalog = buildAlertCatalog(spec.alerts, undefined, undefined, spec.customAlerts?.alerts);
  expect(catalog.length).toBe(buildAlertCatalog().length + 2);
  const rules = renderRuleFiles({ runbookBaseUrl: "https://runbooks.example/alerts", alerts: catalog })["application.yml"];
  expect(rules).toContain("- alert: PaymentsFailing");
  expect(rules).toContain("team: payments");
  expect(rules).toContain("runbook_url: https://wiki.novacron.example/payments/runbooks/payments-failing");
  expect(rules).toContain("runbook_url: https://runbooks.example/alerts/api-traffic-stopped");
});

test("an expression Prometheus would refuse is refused by key, with the parser's reason", () => {
  expect(problemsOf(withAlert({ expr: "rate(payments_total) > 1" }))).toEqual([
    'novacron:customAlerts.alerts[0].expr: must be PromQL that Prometheus accepts: expected type range vector in call to function "rate", got instant vector (at character 6: "payments_total")',
  ]);
  expect(problemsOf(withAlert({ expr: "sum(payments_total" }))[0]).toMatch(/^novacron:customAlerts.alerts\[0\].expr: must be PromQL that Prometheus accepts: syntax error/);
  expect(problemsOf(withAlert({ expr: "sum(rate(payments_total[5m]))[5m]" }))[0]).toContain("ranges only allowed for vector selectors");
  expect(problemsOf(withAlert({ expr: "scalar(payments_total) > bool 1" }))).toEqual(["novacron:customAlerts.alerts[0].expr: must be an instant vector expression (each series it returns is one alert), not a scalar"]);
  expect(problemsOf(withAlert({ expr: '{__name__=~"payments_.*"} > 1' }))[0]).toContain("every selector must name its metric");
});

test("a metric nothing exports is refused unless the config declares it", () => {
  expect(problemsOf(withAlert({}, []))).toEqual([
    "novacron:customAlerts.alerts[0].expr: selects payments_failed_total, payments_total, which nothing in the stack exports: if your services export them, list them in customAlerts.metrics",
  ]);
  // An inventory metric (http_requests_total) needs no declaration; a misspelt one is caught.
  expect(accepts(dev({ alerts: [traffic] }))).toBe(true);
  expect(problemsOf(dev({ alerts: [{ ...traffic, expr: "sum by (service) (rate(http_request_total[5m])) == 0" }] }))).toEqual([
    "novacron:customAlerts.alerts[0].expr: selects http_request_total, which nothing in the stack exports: if your services export it, list it in customAlerts.metrics",
  ]);
});

test("names, for, severity, domain, labels and cases are validated by key, all at once", () => {
  const problems = problemsOf(dev({
    metrics: ["payments_total", "payments_failed_total", "9bad"],
    alerts: [
      { ...payments, name: "HighCPUUsage", for: "2h", severity: "page", domain: "payments", labels: { severity: "low", "bad-label": "x" }, summary: "{{ $value }} failing" },
      { ...traffic, name: "apiTraffic", tests: [traffic.tests[1]] },
      { ...traffic },
      { ...traffic, tests: [{ ...traffic.tests[0], labels: {}, evalTime: "forever", series: [{ series: "rate(x[5m])", values: "lots" }] }, traffic.tests[1]] },
    ],
  }));
  expect(problems.sort()).toEqual([
    "novacron:customAlerts.alerts[0].domain: must be one of infrastructure, kubernetes, application, ml, stack",
    "novacron:customAlerts.alerts[0].for: for must be at most 1h: longer hides a problem for over an hour; slow problems belong to an SLO's slow burn",
    "novacron:customAlerts.alerts[0].labels.bad-label: must be a label name (letters, digits and _, not starting with a digit or __)",
    "novacron:customAlerts.alerts[0].labels.severity: must not be one of alertname, severity, domain (the rules set those)",
    "novacron:customAlerts.alerts[0].name: is a catalog alert's name: change a catalog alert with novacron:alerts.<AlertName>, or give this one its own name",
    "novacron:customAlerts.alerts[0].severity: must be one of critical, warning, info",
    "novacron:customAlerts.alerts[0].summary: may only template {{ $labels.<name> }} (anything else cannot be checked by the alert's promtool cases)",
    "novacron:customAlerts.alerts[1].name: must be UpperCamelCase letters and digits, e.g. PaymentsFailing",
    "novacron:customAlerts.alerts[1].tests: must include a case where the alert fires",
    "novacron:customAlerts.alerts[3].name: repeats ApiTrafficStopped",
    "novacron:customAlerts.alerts[3].tests[0].evalTime: evalTime must be a Prometheus duration such as 30s, 5m or 30d",
    "novacron:customAlerts.alerts[3].tests[0].series[0].series: must be one series, a metric name with its labels, e.g. payments_failed_total{job=\"payments\"}",
    "novacron:customAlerts.alerts[3].tests[0].series[0].values: must be samples in promtool's expanding notation, e.g. 0+10x20 or 1 1 _ 2",
    "novacron:customAlerts.metrics[2]: must be a metric name, e.g. payments_failed_total",
  ].sort());
});

test("a firing case must carry every label the annotations template", () => {
  expect(problemsOf(dev({ alerts: [{ ...traffic, tests: [{ ...traffic.tests[0], labels: {} }, traffic.tests[1]] }] }))).toEqual([
    "novacron:customAlerts.alerts[0].tests[0].labels: must give service: the summary or description uses {{ $labels.service }}",
  ]);
});
