// Checks across the logs and traces config keys (each runs only where the keys it reads are valid);
// called from stacks/config.ts crossChecks, so every problem is reported at once with its config key.
import type { Environment, StackSpec } from "./schema";
import type { ElkSpec } from "./schema-logs";
import { LOGSTASH_MIN_HEAP_MIB, logstashHeapMiB } from "../components/logstash/heap";

/** What an environment demands of the Elasticsearch topology, beyond the schema. */
export const elasticsearchPolicies: Record<Environment, { dedicatedMasters: boolean; tiers: boolean }> = {
  dev: { dedicatedMasters: false, tiers: false },
  // The seed's hot-warm-cold architecture, with masters that hold no data (a busy data node never stalls
  // cluster coordination).
  prod: { dedicatedMasters: true, tiers: true },
};

type Add = (path: PropertyKey[], message: string) => void;

const holds = (roles: readonly string[], role: string) => roles.includes(role) || (role.startsWith("data_") && roles.includes("data"));

/** The first enabled cloud, in the order aws, gcp, azure (where Loki's bucket goes). */
export function firstEnabledCloud(clouds: StackSpec["clouds"]): "aws" | "gcp" | "azure" | undefined {
  return (["aws", "gcp", "azure"] as const).find((c) => clouds?.[c]?.enabled === true);
}

export function logsCrossChecks(spec: StackSpec, add: Add): void {
  const env = (spec.environment === "prod" ? "prod" : "dev") as Environment;
  const elk = spec.elk as ElkSpec | undefined;
  if (elk?.enabled && Array.isArray(elk.nodeSets)) {
    const sets = elk.nodeSets.filter((s) => Array.isArray(s?.roles) && Number.isInteger(s?.count));
    const names = elk.nodeSets.map((s) => s?.name);
    names.forEach((n, i) => n !== undefined && names.indexOf(n) !== i && add(["elk", "nodeSets", i, "name"], "duplicates another node set's name"));
    const masters = sets.filter((s) => s.roles.includes("master")).reduce((n, s) => n + s.count, 0);
    if (sets.length === elk.nodeSets.length) {
      if (masters === 0) add(["elk", "nodeSets"], "must include master-eligible nodes (a node set with the master role)");
      else if (masters !== 1 && masters % 2 === 0) add(["elk", "nodeSets"], `have ${masters} master-eligible nodes; use an odd number (1, 3, 5) so a majority survives a split`);
      for (const tier of ["data_hot", "data_content", "ingest"]) {
        if (!sets.some((s) => holds(s.roles, tier))) add(["elk", "nodeSets"], `must include a node set with the ${tier} role (or data)`);
      }
    }
    const policy = elasticsearchPolicies[env];
    if (policy.dedicatedMasters) {
      sets.forEach((s, i) => s.roles.includes("master") && s.roles.length > 1 && add(["elk", "nodeSets", i, "roles"], `must be only ["master"] in ${env}: dedicated masters hold no data`));
      if (masters > 0 && masters < 3) add(["elk", "nodeSets"], `must have at least 3 master-eligible nodes in ${env}`);
    }
    if (policy.tiers) {
      for (const tier of ["data_hot", "data_warm", "data_cold"]) {
        if (!sets.some((s) => (s.roles as string[]).includes(tier))) add(["elk", "nodeSets"], `must include a ${tier} node set in ${env} (hot-warm-cold)`);
      }
    }
    const lc = elk.lifecycle;
    if (lc && Number.isInteger(lc.hotDays) && Number.isInteger(lc.warmDays) && lc.warmDays <= lc.hotDays) add(["elk", "lifecycle", "warmDays"], `(${lc.warmDays}) must be greater than hotDays (${lc.hotDays})`);
    if (lc && Number.isInteger(lc.warmDays) && Number.isInteger(lc.coldDays) && lc.coldDays <= lc.warmDays) add(["elk", "lifecycle", "coldDays"], `(${lc.coldDays}) must be greater than warmDays (${lc.warmDays})`);
    const hotNodes = sets.filter((s) => holds(s.roles, "data_hot")).reduce((n, s) => n + s.count, 0);
    if (hotNodes > 0 && Number.isInteger(elk.indices?.replicas) && elk.indices.replicas >= hotNodes) {
      add(["elk", "indices", "replicas"], `(${elk.indices.replicas}) must be less than the number of hot data nodes (${hotNodes}), or replica shards never find a node`);
    }
    const lsMemory = elk.logstash?.resources?.limits?.memory;
    const heap = typeof lsMemory === "string" ? logstashHeapMiB(lsMemory) : undefined;
    if (heap !== undefined && heap < LOGSTASH_MIN_HEAP_MIB) {
      add(["elk", "logstash", "resources", "limits", "memory"], `(${lsMemory}) must be at least ${LOGSTASH_MIN_HEAP_MIB * 2}Mi: Logstash's heap is half the limit and needs ${LOGSTASH_MIN_HEAP_MIB}Mi`);
    }
    if (elk.snapshot?.enabled && !elk.snapshot.bucket) add(["elk", "snapshot", "bucket"], "is required when elk.snapshot.enabled is true");
  }

  if (spec.jaeger?.enabled && spec.jaeger.storage === "elasticsearch" && !elk?.enabled) add(["jaeger", "storage"], "is elasticsearch but elk.enabled is false");
  if (spec.jaeger?.enabled && spec.jaeger.storage !== "elasticsearch" && Number.isInteger(spec.jaeger.replicas) && spec.jaeger.replicas > 1) {
    add(["jaeger", "replicas"], `must be 1 with ${spec.jaeger.storage} storage (each replica would hold its own traces)`);
  }

  const loki = spec.loki;
  if (loki?.enabled && loki.storage === "object") {
    const cloud = firstEnabledCloud(spec.clouds);
    if (!cloud) add(["loki", "storage"], "is object but no cloud is enabled: enable one of clouds.aws, clouds.gcp, clouds.azure (its object storage holds Loki's chunks), or set loki.storage to filesystem (one replica on a volume)");
    // An enabled cloud's identifiers (Azure: resourceGroup and oidcIssuerUrl, which Loki's storage account
    // and workload identity use) are required by the clouds checks in stacks/config.ts.
  }
  if (spec.logShipper?.enabled && !loki?.enabled) add(["logShipper", "enabled"], "is true but loki.enabled is false: the shipper sends parsed entries to Loki (and raw ones to Logstash when elk is enabled)");
}
