// Pure renderers for the log indices: the ILM policy (hot → warm → cold → archive → delete), index templates
// with explicit mappings for the seed's four index families, and the snapshot repository and policy that
// archive indices before ILM deletes them.
import { fields, FieldType, IndexKind, indexKinds, lineRules, enrichers, namedGroups } from "../log-parsing";

export const ILM_POLICY = "novacron-logs";
export const SNAPSHOT_REPOSITORY = "novacron-archive";
export const SLM_POLICY = "novacron-archive";

export interface LifecycleSpec {
  hotDays: number;
  warmDays: number;
  coldDays: number;
}

export interface SnapshotSpec {
  type: "s3" | "gcs" | "azure";
  bucket: string;
  basePath: string;
  /** Keystore client whose credentials the repository uses (default). */
  client?: string;
  retentionDays: number;
}

/**
 * The seed's retention as one ILM policy. Indices are daily (novacron-<kind>-yyyy.MM.dd), so each phase's
 * min_age counts from the day's index creation. Warm and cold move shards to data_warm / data_cold nodes
 * (ILM's implicit migrate action; on a single node with the generic `data` role it is a no-op). With an
 * archive, the delete phase first waits for the snapshot policy to have captured the index.
 */
export function renderIlmPolicy(lifecycle: LifecycleSpec, archive: boolean): Record<string, unknown> {
  return {
    policy: {
      _meta: { description: "NovaCron logs: hot, warm, cold, then archived to the snapshot repository and deleted", managed_by: "pulumi" },
      phases: {
        hot: { min_age: "0ms", actions: { set_priority: { priority: 100 } } },
        warm: { min_age: `${lifecycle.hotDays}d`, actions: { set_priority: { priority: 50 }, readonly: {}, forcemerge: { max_num_segments: 1 } } },
        cold: { min_age: `${lifecycle.warmDays}d`, actions: { set_priority: { priority: 0 } } },
        delete: {
          min_age: `${lifecycle.coldDays}d`,
          actions: { ...(archive ? { wait_for_snapshot: { policy: SLM_POLICY } } : {}), delete: { delete_searchable_snapshot: true } },
        },
      },
    },
  };
}

const mappingOf: Record<FieldType, Record<string, unknown>> = {
  keyword: { type: "keyword", ignore_above: 1024 },
  text: { type: "text" },
  ip: { type: "ip" },
  float: { type: "float" },
  integer: { type: "integer" },
  date: { type: "date" },
};

/** Fields every index has: the envelope Logstash and the shipper add. */
const commonProperties: Record<string, unknown> = {
  "@timestamp": { type: "date" },
  message: { type: "text" },
  tags: { type: "keyword" },
  log_rule: { type: "keyword" },
  labels: {
    properties: Object.fromEntries(["cluster", "namespace", "app", "container", "pod"].map((l) => [l, { type: "keyword" }])),
  },
};

const geoProperties = {
  client_geo: {
    properties: {
      ip: { type: "ip" },
      geo: {
        properties: {
          location: { type: "geo_point" },
          country_iso_code: { type: "keyword" },
          country_name: { type: "keyword" },
          region_name: { type: "keyword" },
          city_name: { type: "keyword" },
          continent_code: { type: "keyword" },
        },
      },
    },
  },
};

/** The fields that can reach an index family, from the rules that route there. */
export function fieldsFor(kind: IndexKind): string[] {
  const rules = kind === "errors" ? lineRules : lineRules.filter((r) => r.index === kind || (kind === "access" && enrichers.some((e) => e.routeTo === "access" && e.after?.includes(r.name))));
  const names = new Set(rules.flatMap((r) => namedGroups(r.pattern)));
  for (const e of enrichers) if (!e.after || kind === "errors" || rules.some((r) => e.after!.includes(r.name))) namedGroups(e.pattern).forEach((n) => names.add(n));
  names.delete("timestamp"); // parsed into @timestamp, then removed
  return [...names].sort();
}

export interface IndexTemplateSpec {
  prefix: string;
  shards: number;
  replicas: number;
}

/**
 * A composable index template per family, with explicit mappings: `dynamic: false` keeps unexpected fields
 * in _source without indexing them, so a chatty service cannot blow up the mapping.
 */
export function renderIndexTemplate(kind: IndexKind, spec: IndexTemplateSpec): Record<string, unknown> {
  const captured = Object.fromEntries(fieldsFor(kind).map((f) => [f, mappingOf[fields[f].type]]));
  return {
    index_patterns: [`${spec.prefix}-${kind}-*`],
    priority: 200,
    _meta: { description: `NovaCron ${kind} logs`, managed_by: "pulumi" },
    template: {
      settings: {
        index: {
          number_of_shards: spec.shards,
          number_of_replicas: spec.replicas,
          lifecycle: { name: ILM_POLICY },
          // New indices start on the hot tier; ILM moves them on.
          routing: { allocation: { include: { _tier_preference: "data_hot" } } },
          refresh_interval: "5s",
        },
      },
      mappings: {
        dynamic: false,
        properties: { ...commonProperties, ...captured, ...("client_ip" in captured ? geoProperties : {}) },
      },
    },
  };
}

export function renderIndexTemplates(spec: IndexTemplateSpec): Record<string, Record<string, unknown>> {
  return Object.fromEntries(indexKinds.map((kind) => [`${spec.prefix}-${kind}`, renderIndexTemplate(kind, spec)]));
}

/** The archive repository in object storage. Credentials are keystore settings or workload identity. */
export function renderSnapshotRepository(s: SnapshotSpec): Record<string, unknown> {
  const client = s.client ?? "default";
  const settings: Record<string, unknown> =
    s.type === "azure" ? { container: s.bucket, base_path: s.basePath, client, compress: true }
      : { bucket: s.bucket, base_path: s.basePath, client, compress: true };
  return { type: s.type, settings };
}

/** A daily snapshot of every NovaCron index; ILM deletes an index only once a snapshot holds it. */
export function renderSlmPolicy(s: SnapshotSpec, prefix: string): Record<string, unknown> {
  return {
    schedule: "0 30 1 * * ?",
    name: "<novacron-archive-{now/d}>",
    repository: SNAPSHOT_REPOSITORY,
    config: { indices: [`${prefix}-*`], include_global_state: false, ignore_unavailable: true },
    retention: { expire_after: `${s.retentionDays}d`, min_count: 7 },
  };
}
