// `blackbox`: probes of endpoints from inside the cluster.
import { z } from "zod";
import { ProbeModuleName } from "../../components/blackbox-exporter/contract";
import { DNS_LABEL, HOST_PORT, repeats, resourcesSchema, withCrossChecks } from "./primitives";

export const probeModules = Object.values(ProbeModuleName);
export type ProbeModule = ProbeModuleName;

export const probeSchema = z.strictObject({
  name: z.string().regex(DNS_LABEL, "must be a lowercase DNS label"),
  module: z.enum(probeModules),
  targets: z.array(z.string().min(1)).min(1, "must list at least one target"),
});
export type Probe = z.infer<typeof probeSchema>;

/** What each module can probe; undefined when the target fits. */
function probeTargetProblem(module: ProbeModule, target: string): string | undefined {
  switch (module) {
    case "http_2xx":
      return /^https?:\/\/[^\s/]+/.test(target) ? undefined : "must be an http(s) URL for the http_2xx module";
    case "tcp_connect":
    case "dns":
      return HOST_PORT.test(target) ? undefined : `must be host:port for the ${module} module`;
    case "icmp":
      return /^[A-Za-z0-9.-]+$/.test(target) ? undefined : "must be a host name or IP address for the icmp module";
  }
}

export const blackboxSchema = withCrossChecks(
  z.strictObject({
    enabled: z.boolean(),
    dnsQueryName: z.string().min(1).describe("The name the dns module resolves against each probed server."),
    probes: z.array(probeSchema).describe("Probes: http_2xx takes URLs, tcp_connect and dns take host:port, icmp takes hosts."),
    resources: resourcesSchema,
  }),
  {
    reads: ["probes"],
    check: ({ probes }, report) => {
      repeats(probes.map((p) => p.name)).forEach((i) => report(["probes", i, "name"], "duplicates another probe's name"));
      probes.forEach((probe, i) => probe.targets.forEach((target, j) => {
        const problem = probeTargetProblem(probe.module, target);
        if (problem) report(["probes", i, "targets", j], problem);
      }));
    },
  },
);
