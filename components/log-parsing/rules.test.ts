// The parsing rules as data: what they extract from each kind of line, that they stay in the regex subset
// the three engines share, and that no line matches two rules.
import fc from "fast-check";
import {
  allPatterns, enrichers, fields, lineRules, LOG_LEVELS, namedGroups, parseLogLine, portabilityProblems, UNPARSED_TAG,
} from "./rules";
import { samples } from "../../test/fixtures/log-lines";

describe("parseLogLine on sample lines", () => {
  test.each(samples.map((s) => [s.what, s] as const))("%s", (_what, sample) => {
    const parsed = parseLogLine(sample.line);
    expect(parsed.rule).toBe(sample.rule);
    expect(parsed.indices).toEqual(sample.indices);
    if (sample.rule) {
      expect(parsed.fields).toMatchObject(sample.fields ?? {});
      for (const f of sample.absent ?? []) expect(parsed.fields).not.toHaveProperty(f);
      expect(parsed.tags).toEqual([]);
    } else {
      // Kept and tagged, nothing half-extracted.
      expect(parsed.fields).toEqual({});
      expect(parsed.tags).toEqual([UNPARSED_TAG]);
    }
  });

  test("the samples cover every rule, every enricher and every index", () => {
    const parsed = samples.map((s) => parseLogLine(s.line));
    expect(new Set(parsed.map((p) => p.rule).filter(Boolean))).toEqual(new Set(lineRules.map((r) => r.name)));
    for (const e of enrichers) expect(parsed.some((p) => namedGroups(e.pattern).every((g) => g in p.fields))).toBe(true);
    expect(new Set(parsed.flatMap((p) => p.indices))).toEqual(new Set(["application", "ml", "access", "errors"]));
    expect(samples.filter((s) => s.line.includes("\n") && s.rule).length).toBeGreaterThanOrEqual(2);
  });
});

describe("the regex subset shared by Oniguruma, RE2 and JavaScript", () => {
  test("every pattern is in it, and every group it captures is a declared field", () => {
    for (const { name, pattern } of allPatterns()) expect([name, portabilityProblems(pattern)]).toEqual([name, []]);
  });

  test.each([
    ["(?=x)a", "lookahead"],
    ["(?<!x)a", "lookbehind"],
    ["(?>a+)b", "atomic group"],
    ["(a)\\1", "backreference"],
    ["(?<log_level>a)\\k<log_level>", "named backreference"],
    ["a++", "possessive"],
    ["(?i)info", "inline flags"],
    ["(?P<log_level>a)", "Python-style"],
    ["\\d+", "Unicode-aware"],
    ["[^\\s]+", "Unicode-aware"],
    ["a$", "end of line"],
    ["(?<log_level>a)(?<log_level>b)", "appears twice"],
    ["(?<undeclared>a)", "not declared"],
  ])("refuses %s (%s)", (pattern, why) => {
    expect(portabilityProblems(pattern).join("; ")).toContain(why);
  });

  test("escaped characters and [\\s\\S] are allowed", () => {
    expect(portabilityProblems("\\(\\?=\\$[\\s\\S]*")).toEqual([]);
  });
});

describe("the rules exclude one another, so their order cannot change a result", () => {
  const token = fc.stringMatching(/^[A-Za-z0-9_.:\-[\] ]{0,12}$/);
  const shaped = fc.tuple(
    fc.constantFrom("2024-05-01T12:00:00Z", "2024-05-01 12:00:00,123", "2024-05-01T12:00:00.5+02:00"),
    fc.constantFrom(...LOG_LEVELS, "info"),
    fc.constantFrom("[", "Workflow-", "Model-", ""),
    token, fc.constantFrom("] ", " Stage-", ": ", " - ", ""), token, fc.constantFrom(": ", " - ", "] Model-", ""), token,
  ).map((parts) => `${parts[0]} ${parts.slice(1).join("")}`);

  test("no line matches two line rules (property, 2000 near-miss lines)", () => {
    fc.assert(fc.property(fc.oneof(shaped, fc.string()), (line) => {
      const matching = lineRules.filter((r) => new RegExp(r.pattern).test(line));
      return matching.length <= 1;
    }), { numRuns: 2000 });
  });

  test("enrichers never capture a field a line rule captures (they only add)", () => {
    const lineFields = new Set(lineRules.flatMap((r) => namedGroups(r.pattern)));
    for (const e of enrichers) expect(namedGroups(e.pattern).filter((g) => lineFields.has(g))).toEqual([]);
  });
});

test("every field the rules capture is declared with a type", () => {
  for (const { pattern } of allPatterns()) for (const g of namedGroups(pattern)) expect(fields[g]?.type).toBeDefined();
});
