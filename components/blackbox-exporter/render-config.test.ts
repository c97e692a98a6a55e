// blackbox.yml: a module for every probe kind a probe may name (and a scrape job for each), all within the
// probe timeout, preferring IPv4.
import { blackboxExporterContract, ProbeModuleName } from "./contract";
import { renderBlackboxConfig } from "./render-config";

const modules = renderBlackboxConfig({ timeout: "4s", dnsQueryName: "kubernetes.default.svc.cluster.local" }).modules as Record<string, any>;

test("exactly the modules a probe can name, each with a scrape job of its own", () => {
  expect(Object.keys(modules).sort()).toEqual(Object.values(ProbeModuleName).sort());
  expect(Object.keys(blackboxExporterContract.probeJobs).sort()).toEqual(Object.keys(modules).sort());
  // The dashboards select every probe job with one pattern.
  for (const job of Object.values(blackboxExporterContract.probeJobs)) expect(job).toMatch(new RegExp(`^${blackboxExporterContract.probeJobPattern}$`));
});

test("each module uses its own prober, within the probe timeout, IPv4 first with IPv6 as fallback", () => {
  const probers = { http_2xx: "http", tcp_connect: "tcp", dns: "dns", icmp: "icmp" };
  for (const [name, module] of Object.entries(modules)) {
    expect(module.prober).toBe(probers[name as keyof typeof probers]);
    expect(module.timeout).toBe("4s");
    expect(module[module.prober]).toMatchObject({ preferred_ip_protocol: "ip4", ip_protocol_fallback: true });
  }
});

test("dns asks each server for the configured name's A record and wants NOERROR; http follows redirects and accepts any 2xx", () => {
  expect(modules.dns.dns).toMatchObject({ transport_protocol: "udp", query_name: "kubernetes.default.svc.cluster.local", query_type: "A", valid_rcodes: ["NOERROR"] });
  // An empty valid_status_codes list means 2xx to the blackbox exporter.
  expect(modules.http_2xx.http).toMatchObject({ method: "GET", follow_redirects: true, valid_status_codes: [] });
});
