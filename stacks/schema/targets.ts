// `targets`: the NovaCron services Prometheus scrapes, each its own job.
import { z } from "zod";
import { DNS_LABEL, listOf, namespaceName, port, repeats } from "./primitives";

export const scrapeTargetSchema = z.strictObject({
  name: z.string().regex(DNS_LABEL, "must be a lowercase DNS label").describe("Job name suffix: the job is `novacron-<name>`."),
  namespace: namespaceName,
  service: z.string().regex(DNS_LABEL, "must be a Kubernetes Service name").describe("The Service whose endpoints are scraped (every pod behind it, not the load-balanced VIP)."),
  port,
  path: z.string().startsWith("/", "must start with /"),
  domain: z.enum(["application", "ml"]),
});
export type ScrapeTarget = z.infer<typeof scrapeTargetSchema>;

export const targetsSchema = listOf(scrapeTargetSchema, 100, "targets")
  .superRefine((targets, ctx) => {
    for (const i of repeats(targets.map((t) => t?.name))) ctx.addIssue({ code: "custom", path: [i, "name"], message: "duplicates another target's name; scrape job names must be unique" });
  }, { when: (payload) => Array.isArray(payload.value) }) // every duplicate is reported, even beside other problems
  .describe("Services scraped on every pod behind them, job `novacron-<name>`.");
