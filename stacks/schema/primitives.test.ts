import { z } from "zod";
import { goDuration, isHostPort, namespaceName, plainUrl, podLabelSelector, resourcesSchema, storageSize, withCrossChecks } from "./primitives";

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

describe("plainUrl", () => {
  const url = plainUrl(["http", "https"], "use the secret novacron:x");
  const problem = (value: string) => url.safeParse(value).error?.issues[0].message;

  it("accepts URLs with ports, paths, queries and percent-encoding", () => {
    for (const ok of ["https://example.com", "http://svc.ns.svc:8080/path?a=1&b=%7B#frag", "https://[::1]:9090/x"]) expect([ok, problem(ok)]).toEqual([ok, undefined]);
  });
  it("refuses credentials in the user-info or the query, saying where they go, without echoing them", () => {
    for (const bad of ["https://user:hunter2@example.com/", "https://user@example.com/", "https://example.com/?token=hunter2", "https://example.com/?x_api_key=hunter2"]) {
      const message = problem(bad)!;
      expect(message).toMatch(/must not carry credentials.*use the secret novacron:x$/);
      expect(message).not.toContain("hunter2");
    }
  });
  it("refuses characters a URL must percent-encode, so no {{ reaches a template", () => {
    expect(problem("https://example.com/{{ .Labels.x }}")).toMatch(/must not contain "\{"/);
    expect(problem("https://example.com/a b")).toMatch(/must not contain " "/);
    expect(problem('https://example.com/"x')).toMatch(/must not contain/);
  });
  it("refuses other schemes, no host, and ports past 65535", () => {
    for (const bad of ["ftp://example.com", "https://", "https://example.com:65536/", "not a url"]) expect([bad, problem(bad)]).toEqual([bad, "must be an http(s) URL"]);
  });
});

test("isHostPort takes ports 1-65535 only", () => {
  expect(["smtp.example.com:587", "10.0.0.1:1", "h:65535"].map(isHostPort)).toEqual([true, true, true]);
  expect(["h:0", "h:65536", "h:99999", "h", ":80", "-h:80", "h.:80", "h:08x"].map(isHostPort)).toEqual(Array(8).fill(false));
});

test("goDuration refuses the units Go cannot read", () => {
  const wait = goDuration("wait", "1s", "1m");
  expect(["3s", "1m", "1m30s"].map((v) => wait.safeParse(v).success)).toEqual([true, true, false]);
  expect(wait.safeParse("1m30s").error?.issues[0].message).toBe("wait must be at most 1m");
  expect(goDuration("wait", "1s", "30d").safeParse("1d").error?.issues[0].message).toMatch(/no d, w or y/);
  expect(goDuration("wait", "1ms", "1h").safeParse("500ms").success).toBe(true);
});

describe("Kubernetes values the API server would refuse", () => {
  const messages = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

  it("label selectors take the API's label key and value syntax", () => {
    expect(messages(podLabelSelector, { "app.kubernetes.io/name": "ingress-nginx", app: "", "example.com/tier": "a.b_c-d" })).toEqual([]);
    const bad = messages(podLabelSelector, { "-app": "x", "UPPER.example.com/x": "y", "a/b/c": "z", ok: "has space", ok2: "x".repeat(64) });
    expect(bad).toHaveLength(5);
    expect(messages(podLabelSelector, {})).toEqual([": must name at least one label"]);
  });

  it("requests may not exceed limits, and nothing is zero", () => {
    const sized = (requests: object, limits: object) => messages(resourcesSchema, { requests, limits });
    expect(sized({ cpu: "500m", memory: "1Gi" }, { cpu: "0.5", memory: "1024Mi" })).toEqual([]);
    expect(sized({ cpu: "2", memory: "2Gi" }, { cpu: "1500m", memory: "1Gi" })).toEqual([
      "requests.cpu: (2) must not exceed limits.cpu (1500m)",
      "requests.memory: (2Gi) must not exceed limits.memory (1Gi)",
    ]);
    expect(sized({ cpu: "0m", memory: "0Mi" }, { cpu: "0", memory: "1Gi" })).toEqual(["requests.cpu: must be more than 0", "requests.memory: must be more than 0", "limits.cpu: must be more than 0"]);
    expect(messages(storageSize, "0Gi")).toEqual([": must be more than 0"]);
  });

  it("namespaces Kubernetes owns are refused", () => {
    for (const ns of ["kube-system", "kube-public", "kube-node-lease"]) expect(messages(namespaceName, ns)).toEqual([": must not be a kube-* namespace: Kubernetes owns those (its own components and their policies live there)"]);
    expect(messages(namespaceName, "monitoring")).toEqual([]);
  });
});
