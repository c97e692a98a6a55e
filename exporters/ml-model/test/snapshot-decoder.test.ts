// The streaming decoder must accept and refuse exactly what the zod contract does, and produce the same
// data (with drift scored), while reading rows one at a time.
import { MonitoringSnapshot } from "../src/contract";
import { JsonSyntaxError } from "../src/json-reader";
import { scoreDrift } from "../src/ml-metrics";
import { decodeSnapshot, SnapshotSchemaError } from "../src/snapshot-decoder";
import { fixtureSnapshot } from "./support/fixtures";
import { crossRowEdits, edited, malformedEdits, validBodies } from "./support/snapshot-cases";

const decode = (body: unknown) => decodeSnapshot(Buffer.from(JSON.stringify(body)));

describe("decodeSnapshot", () => {
  it.each(validBodies)("decodes %s to what zod accepts, drift scored", (_, body) => {
    expect(decode(body)).toEqual(scoreDrift(MonitoringSnapshot.parse(body)));
  });

  it.each([...malformedEdits, ...crossRowEdits])("refuses %s, as zod does", (_, edit) => {
    const body = edited(edit);
    expect(MonitoringSnapshot.safeParse(body).success).toBe(false);
    expect(() => decode(body)).toThrow(SnapshotSchemaError);
  });

  it("names the failing fields by their JSON paths, the first five and a count of the rest", () => {
    const body = fixtureSnapshot() as any;
    body.models[1].recall = 2;
    body.drift[2].features[0].production = [1];
    for (let i = 0; i < 10; i++) body.predictions.push({ model_name: `m${i}`, status: "ok", count: -1 });
    let error: SnapshotSchemaError | undefined;
    try {
      decode(body);
    } catch (e) {
      error = e as SnapshotSchemaError;
    }
    // In the body's order: models, then predictions (the fixture lists drift last).
    expect(error!.total).toBe(12);
    expect(error!.issues).toHaveLength(5);
    expect(error!.message).toMatch(/^models\.1\.recall: Too big.*(; predictions\.\d+\.count: Too small[^;]*){4}; and 7 more$/);
  });

  it("skips fields the contract does not know without building them, at any depth", () => {
    const body = fixtureSnapshot() as any;
    body.models[0].extra = { nested: [[{ deep: "x".repeat(1000) }]] };
    body.drift[2].features[0].note = [1, 2, 3];
    body.huge_unknown_table = Array.from({ length: 1000 }, (_, i) => ({ i }));
    const decoded = decode(body);
    expect(decoded).toEqual(scoreDrift(MonitoringSnapshot.parse(body)));
    expect(decoded.models[0]).not.toHaveProperty("extra");
  });

  it("reports bodies that are not JSON as syntax errors, even after rows that break the contract", () => {
    const text = JSON.stringify({ ...fixtureSnapshot(), models: [{ model_name: "" }] }).slice(0, -1) + ",}";
    expect(() => decodeSnapshot(Buffer.from(text))).toThrow(JsonSyntaxError);
  });

  it("refuses a top level that is not an object", () => {
    expect(() => decodeSnapshot(Buffer.from("[1,2,3]"))).toThrow(/^\(root\): .*expected object/);
  });
});
