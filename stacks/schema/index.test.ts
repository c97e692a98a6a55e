// Cross-checks keep reporting beside unrelated problems in the same section: one run, every problem.
import { problemsOf } from "../../test/helpers/config-problems";

const prodWithWebhook = { environment: "prod", notifications: { webhook: { enabled: true } }, webhookUrl: "https://hooks.example.com/x" };

test("an environment's minimum is reported beside a malformed field of the same section", () => {
  expect(problemsOf({ ...prodWithWebhook, prometheus: { replicas: 1, retentionTime: "bogus" } })).toEqual([
    "novacron:prometheus.retentionTime: retentionTime must be a Prometheus duration such as 30s, 5m or 30d",
    "novacron:prometheus.replicas: must be at least 2 in prod",
  ]);
});

test("one bad probe does not hide the others' duplicate names and wrong targets", () => {
  const probes = [
    { name: "Bad_Name", module: "http_2xx", targets: ["http://a"] },
    { name: "p2", module: "http_2xx", targets: ["not a url"] },
    { name: "p2", module: "dns", targets: ["x"] },
  ];
  expect(problemsOf({ environment: "dev", blackbox: { probes } }).sort()).toEqual([
    "novacron:blackbox.probes[0].name: must be a lowercase DNS label",
    "novacron:blackbox.probes[1].targets[0]: must be an http(s) URL for the http_2xx module",
    "novacron:blackbox.probes[2].name: duplicates another probe's name",
    "novacron:blackbox.probes[2].targets[0]: must be host:port with a port from 1 to 65535 for the dns module",
  ]);
});

test("a refused value is not judged again by a cross-check", () => {
  expect(problemsOf({ environment: "dev", blackbox: { probes: [{ name: "p", module: "http_2xx", targets: [""] }] } })).toEqual([
    "novacron:blackbox.probes[0].targets[0]: Too small: expected string to have >=1 characters",
  ]);
});

test("a scrape interval the rate windows cannot serve gets one message, with the reason", () => {
  expect(problemsOf({ environment: "dev", prometheus: { scrapeInterval: "10m", scrapeTimeout: "10s" } })).toEqual([
    "novacron:prometheus.scrapeInterval: scrapeInterval must be at most 15s: the alert rules' shortest rate window (1m) needs 4 samples",
  ]);
});
