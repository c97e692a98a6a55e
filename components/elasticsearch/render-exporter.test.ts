import { ES_EXPORTER_PORT } from "./contract";
import { esUriFlag, renderExporterArgs } from "./render-exporter";

const args = [esUriFlag("https://logs-es-http.monitoring.svc:9200"), ...renderExporterArgs({ caFile: "/etc/es-ca/ca.crt" })];

test("verifies the cluster's certificate with its CA and never skips verification", () => {
  expect(args).toContain("--es.uri=https://logs-es-http.monitoring.svc:9200");
  expect(args).toContain("--es.ca=/etc/es-ca/ca.crt");
  expect(args.some((a) => a.includes("ssl-skip-verify"))).toBe(false);
});

test("no credential on the command line (they come from the Secret through the environment)", () => {
  expect(args.join(" ")).not.toMatch(/password|username|@/i);
});

test("exports every node's stats and the cluster settings (the disk watermarks) on the contract's port", () => {
  expect(args).toEqual(expect.arrayContaining(["--es.all", "--collector.clustersettings", `--web.listen-address=:${ES_EXPORTER_PORT}`]));
});
