// The log indices: ILM through hot, warm and cold to deletion (after the archive has them), a template per
// family mapping exactly the fields its rules capture, and the archive's repository and daily snapshot.
import { fields, indexKinds, lineRules, namedGroups } from "../log-parsing";
import {
  fieldsFor, ILM_POLICY, renderIlmPolicy, renderIndexTemplates, renderSlmPolicy, renderSnapshotRepository, SLM_POLICY, SNAPSHOT_REPOSITORY, SnapshotSpec,
} from "./render-indices";

const lifecycle = { hotDays: 7, warmDays: 30, coldDays: 90 };
const archive: SnapshotSpec = { type: "s3", bucket: "novacron-archive", basePath: "prod", retentionDays: 1825 };

describe("lifecycle", () => {
  test("each phase starts on its day; warm indices are read-only and merged", () => {
    const { phases } = (renderIlmPolicy(lifecycle, false) as any).policy;
    expect(Object.keys(phases)).toEqual(["hot", "warm", "cold", "delete"]);
    expect([phases.hot.min_age, phases.warm.min_age, phases.cold.min_age, phases.delete.min_age]).toEqual(["0ms", "7d", "30d", "90d"]);
    expect(phases.warm.actions).toMatchObject({ readonly: {}, forcemerge: { max_num_segments: 1 } });
  });

  test("with an archive, an index is deleted only once the snapshot policy has captured it", () => {
    expect((renderIlmPolicy(lifecycle, true) as any).policy.phases.delete.actions).toEqual({ wait_for_snapshot: { policy: SLM_POLICY }, delete: { delete_searchable_snapshot: true } });
    expect((renderIlmPolicy(lifecycle, false) as any).policy.phases.delete.actions).not.toHaveProperty("wait_for_snapshot");
  });
});

describe("index templates", () => {
  const templates = renderIndexTemplates({ prefix: "novacron", shards: 3, replicas: 1 }) as Record<string, any>;

  test("one per family, matching its daily indices, sized, under the lifecycle policy, starting on the hot tier", () => {
    expect(Object.keys(templates)).toEqual(indexKinds.map((kind) => `novacron-${kind}`));
    for (const kind of indexKinds) {
      const template = templates[`novacron-${kind}`];
      expect(template.index_patterns).toEqual([`novacron-${kind}-*`]);
      expect(template.template.settings.index).toMatchObject({
        number_of_shards: 3, number_of_replicas: 1, lifecycle: { name: ILM_POLICY }, routing: { allocation: { include: { _tier_preference: "data_hot" } } },
      });
    }
  });

  test("explicit mappings: unknown fields are kept unindexed; every captured field is mapped as its declared type", () => {
    for (const kind of indexKinds) {
      const { dynamic, properties } = templates[`novacron-${kind}`].template.mappings;
      expect(dynamic).toBe(false);
      expect(properties).toMatchObject({ "@timestamp": { type: "date" }, message: { type: "text" } });
      for (const field of fieldsFor(kind)) expect([kind, field, properties[field].type]).toEqual([kind, field, fields[field].type]);
      // Client addresses are located: the geo fields exist exactly where a client IP is captured.
      expect([kind, "client_geo" in properties]).toEqual([kind, fieldsFor(kind).includes("client_ip")]);
    }
  });

  test("errors can hold a line of any rule, so its index maps every rule's fields; the timestamp becomes @timestamp", () => {
    const everyRuleField = new Set(lineRules.flatMap((r) => namedGroups(r.pattern)));
    everyRuleField.delete("timestamp");
    expect(fieldsFor("errors")).toEqual(expect.arrayContaining([...everyRuleField]));
    for (const kind of indexKinds) expect(fieldsFor(kind)).not.toContain("timestamp");
  });
});

describe("archive", () => {
  test("the repository names a bucket (a container on Azure) and the keystore client", () => {
    expect(renderSnapshotRepository(archive)).toEqual({ type: "s3", settings: { bucket: "novacron-archive", base_path: "prod", client: "default", compress: true } });
    expect(renderSnapshotRepository({ ...archive, type: "azure", client: "secondary" })).toEqual({
      type: "azure", settings: { container: "novacron-archive", base_path: "prod", client: "secondary", compress: true },
    });
  });

  test("a daily snapshot of every index of the prefix into the repository, kept the configured days", () => {
    expect(renderSlmPolicy(archive, "novacron")).toMatchObject({
      repository: SNAPSHOT_REPOSITORY,
      config: { indices: ["novacron-*"], include_global_state: false },
      retention: { expire_after: "1825d" },
    });
  });
});
