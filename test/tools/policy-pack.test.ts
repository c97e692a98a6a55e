// The policy pack as the Pulumi CLI runs it: policy/index.ts started as its own process (it serves the
// analyzer gRPC protocol on 127.0.0.1 and prints its port), then driven over that protocol the way the
// engine drives it during `pulumi preview --policy-pack policy`. The rendered prod stack gets no diagnostics;
// a bad object gets a mandatory one.
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { policies } from "../../policy/policies";
import { renderStack, RenderedResource } from "../../scripts/render";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const analyzerProto = require("@pulumi/pulumi/proto/analyzer_pb");

const repoRoot = path.resolve(__dirname, "..", "..");
let pack: ChildProcess | undefined;
let client: any;
let resources: RenderedResource[] = [];

beforeAll(async () => {
  resources = (await renderStack("prod")).resources;
  pack = spawn(path.join(repoRoot, "node_modules", ".bin", "tsx"), ["index.ts"], { cwd: path.join(repoRoot, "policy"), stdio: ["ignore", "pipe", "pipe"] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    let err = "";
    pack!.stdout!.on("data", (d) => {
      out += d;
      const line = /^(\d+)\s*$/m.exec(out);
      if (line) resolve(Number(line[1]));
    });
    pack!.stderr!.on("data", (d) => (err += d));
    pack!.on("exit", (code) => reject(new Error(`policy pack exited ${code}: ${err}`)));
    const timer = setTimeout(() => reject(new Error(`policy pack printed no port in 240s: ${out} ${err}`)), 240_000);
    pack!.once("exit", () => clearTimeout(timer));
    timer.unref();
  });
  client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  if (pack?.pid && pack.exitCode === null) {
    const exited = new Promise((resolve) => pack!.once("exit", resolve));
    process.kill(pack.pid, "SIGTERM"); // tsx passes the signal on to the pack's node process
    await exited;
  }
  pack?.stdout?.destroy();
  pack?.stderr?.destroy();
});

const call = <T>(method: string, request: unknown): Promise<T> =>
  new Promise((resolve, reject) => client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));

async function analyze(r: RenderedResource, stack = "prod") {
  const req = new analyzerProto.AnalyzeRequest();
  req.setType(r.type);
  req.setName(r.name);
  req.setUrn(`urn:pulumi:${stack}::novacron::${r.type}::${r.name}`);
  req.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.inputs))));
  // The engine always sends the resource's options; defaults here (no protect, no aliases, no timeouts).
  const options = new analyzerProto.AnalyzerResourceOptions();
  options.setCustomtimeouts(new analyzerProto.AnalyzerResourceOptions.CustomTimeouts());
  req.setOptions(options);
  const res: any = await call("analyze", req);
  return res.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: d.getEnforcementlevel(), message: d.getMessage() }));
}

test("the pack announces itself and every policy in policies.ts", async () => {
  const info: any = await call("getAnalyzerInfo", new Empty());
  expect(info.getName()).toBe("novacron-kubernetes");
  expect(info.getVersion()).toBe("0.1.0");
  expect(info.getPoliciesList().map((p: any) => p.getName()).sort()).toEqual(policies.map((p) => p.name).sort());
});

test("every resource of the rendered prod stack passes, over the wire", async () => {
  const found: unknown[] = [];
  for (const r of resources) for (const d of await analyze(r)) found.push({ resource: `${r.type}::${r.name}`, ...d });
  expect(resources.length).toBeGreaterThan(20);
  expect(found).toEqual([]);
});

test("a single-replica prod Prometheus is a mandatory violation", async () => {
  const prom = JSON.parse(JSON.stringify(resources.find((r) => r.inputs?.kind === "StatefulSet" && r.inputs.metadata.name === "prometheus")));
  prom.inputs.spec.replicas = 1;
  const diagnostics = await analyze(prom);
  expect(diagnostics).toEqual([{ policy: "production-replicas", level: analyzerProto.EnforcementLevel.MANDATORY, message: expect.stringContaining("needs at least 2") }]);
  expect(await analyze(prom, "dev")).toEqual([]);
});
