// `blackbox`: probes of endpoints from inside the cluster.
import { z } from "zod";
import { ProbeModuleName } from "../../components/blackbox-exporter/contract";
import { DNS_LABEL, isHostPort, listOf, plainUrl, repeats, resourcesSchema, withCrossChecks } from "./primitives";

export const probeModules = Object.values(ProbeModuleName);
export type ProbeModule = ProbeModuleName;

/** Probe targets are written into Prometheus' config and shown on its pages: no credentials in them. */
const probeUrl = plainUrl(["http", "https"], "probe an endpoint that answers without credentials, such as a health check");

/** What each module can probe; undefined when the target fits. */
function probeTargetProblem(module: ProbeModule, target: string): string | undefined {
  switch (module) {
    case "http_2xx":
      return probeUrl.safeParse(target).error?.issues[0].message.replace(/URL/, "URL for the http_2xx module");
    case "tcp_connect":
    case "dns":
      return isHostPort(target) ? undefined : `must be host:port with a port from 1 to 65535 for the ${module} module`;
    case "icmp":
      return /^[A-Za-z0-9.-]+$/.test(target) ? undefined : "must be a host name or IP address for the icmp module";
  }
}

export const probeSchema = withCrossChecks(
  z.strictObject({
    name: z.string().regex(DNS_LABEL, "must be a lowercase DNS label"),
    module: z.enum(probeModules),
    targets: listOf(z.string().min(1), 10, "targets per probe").min(1, "must list at least one target"),
  }),
  {
    reads: ["module"],
    check: (probe, report) => {
      if (!Array.isArray(probe.targets)) return;
      probe.targets.forEach((target, j) => {
        const problem = typeof target === "string" ? probeTargetProblem(probe.module, target) : undefined;
        if (problem) report(["targets", j], problem);
      });
    },
  },
);
export type Probe = z.infer<typeof probeSchema>;

export const blackboxSchema = z.strictObject({
  enabled: z.boolean(),
  dnsQueryName: z.string().max(253, "must be at most 253 characters").regex(/^([A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?\.?$/, "must be a DNS name such as novacron.com").describe("The name the dns module resolves against each probed server."),
  probes: listOf(probeSchema, 50, "probes")
    .superRefine((probes, ctx) => {
      for (const i of repeats(probes.map((p) => p?.name))) ctx.addIssue({ code: "custom", path: [i, "name"], message: "duplicates another probe's name" });
    }, { when: (payload) => Array.isArray(payload.value) }) // every duplicate is reported, even beside other problems
    .describe("Probes: http_2xx takes URLs, tcp_connect and dns take host:port, icmp takes hosts."),
  resources: resourcesSchema,
});
