// `logShipper`: Grafana Alloy on every node, parsing the seed's log formats.
import { z } from "zod";
import { goDuration, listOf, namespaceName, resourcesSchema } from "./primitives";

export const logShipperSchema = z.strictObject({
  enabled: z.boolean(),
  resources: resourcesSchema,
  multilineMaxWait: goDuration("multilineMaxWait", "1s", "1m").describe("Longest a multi-line entry (a stack trace) waits for its next line."),
  multilineNamespaces: listOf(namespaceName, 100, "namespaces").optional()
    .describe("Namespaces whose logs (the seed's formats) are joined into multi-line entries; unset = the targets' namespaces."),
});
export type LogShipperSpec = z.infer<typeof logShipperSchema>;
