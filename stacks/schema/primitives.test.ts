import { z } from "zod";
import { withCrossChecks } from "./primitives";

const range = withCrossChecks(
  z.strictObject({ low: z.number().max(100), high: z.number().max(100), label: z.string() }),
  { reads: ["low", "high"], check: (v, report) => v.low >= v.high && report(["high"], `(${v.high}) must be above low (${v.low})`) },
);
const issues = (value: unknown) => range.safeParse(value).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

describe("withCrossChecks", () => {
  it("reports a cross-field problem beside an unrelated invalid field: every problem at once", () => {
    expect(issues({ low: 5, high: 3, label: 7 })).toEqual(["label: Invalid input: expected string, received number", "high: (3) must be above low (5)"]);
  });

  it("does not judge a field the schema already refused", () => {
    expect(issues({ low: 5, high: 300, label: "x" })).toEqual(["high: Too big: expected number to be <=100"]);
  });

  it("passes a valid object", () => {
    expect(range.parse({ low: 1, high: 2, label: "x" })).toEqual({ low: 1, high: 2, label: "x" });
  });

  it("runs an outer check when the object it reads has only other checks' findings", () => {
    const outer = withCrossChecks(z.strictObject({ range, max: z.number() }), {
      reads: ["range", "max"],
      check: (v, report) => v.range.high > v.max && report(["max"], "is below range.high"),
    });
    const found = outer.safeParse({ range: { low: 5, high: 9, label: "x" }, max: 3 }).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(found).toEqual(["max"]);
    const both = outer.safeParse({ range: { low: 9, high: 5, label: "x" }, max: 3 }).error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(both).toEqual(["range.high", "max"]);
  });
});
