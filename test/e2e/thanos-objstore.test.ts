// The rendered objstore configs against Thanos itself (the pinned binary, scripts/install-thanos.sh):
// - FILESYSTEM and an S3-compatible endpoint are loaded by `thanos tools bucket ls`, which parses the file
//   strictly and lists the bucket: a temp dir, and a stand-in S3 endpoint on 127.0.0.1 that records the
//   request (path style, signed with the key pair from the environment, never from the file);
// - the cloud stores (S3 on AWS, GCS, Azure) cannot be listed without the cloud, so each rendered key is
//   checked against the provider's config struct in the objstore module the binary links (its yaml tags).
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { images, imageTag } from "../../components/images";
import { renderThanosObjstore, S3_KEY_ENV, ThanosObjectStorage } from "../../components/thanos/render-objstore";
import { toYaml } from "../../components/yaml";
import { LOOPBACK, makeTempDir } from "../loopback/processes";
import { thanosPath, writeFilesystemObjstore } from "../loopback/thanos";

const repoRoot = path.resolve(__dirname, "..", "..");
const pinned = Object.fromEntries(fs.readFileSync(path.join(repoRoot, "scripts", "versions.env"), "utf8")
  .split("\n").filter((l) => /^\w+=/.test(l)).map((l) => l.split("=")));

/** Runs the thanos binary to completion (asynchronously, so a server in this process can answer it). */
function thanos(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(thanosPath(), args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("exit", (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

const dirs: string[] = [];
const tempDir = (prefix: string) => { const dir = makeTempDir(prefix); dirs.push(dir); return dir; };
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const writeConfig = (dir: string, name: string, config: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof config === "string" ? config : toYaml(config));
  return file;
};

test("the thanos binary is the version of the image we deploy, built with the tags of upstream's release builds", async () => {
  expect(imageTag(images.thanos)).toBe(`v${pinned.THANOS_VERSION}`);
  const run = await thanos(["--version"]);
  expect(run.code).toBe(0);
  expect(run.output).toContain(`thanos, version ${pinned.THANOS_VERSION} `);
  // slicelabels: Thanos' gRPC codec relies on that labels layout (.promu.yml builds with it).
  expect(execFileSync("go", ["version", "-m", thanosPath()], { encoding: "utf8" })).toMatch(/^\s*build\s+-tags=netgo,slicelabels$/m);
});

test("FILESYSTEM: Thanos loads the rendered config and lists the bucket; a misspelt key is refused", async () => {
  const dir = tempDir("thanos-objstore");
  const bucket = path.join(dir, "bucket");
  fs.mkdirSync(bucket);
  const ok = await thanos(["tools", "bucket", "ls", `--objstore.config-file=${writeFilesystemObjstore(dir, bucket)}`]);
  expect({ code: ok.code, output: ok.code === 0 ? "" : ok.output }).toEqual({ code: 0, output: "" });
  // The negative control: objstore parses the top level strictly.
  const bad = await thanos(["tools", "bucket", "ls", `--objstore.config-file=${writeConfig(dir, "bad.yml", { type: "FILESYSTEM", config: { directory: bucket }, prefx: "x" })}`]);
  expect(bad.code).not.toBe(0);
  expect(bad.output).toMatch(/field prefx not found/);
});

describe("S3-compatible endpoint: a stand-in S3 on 127.0.0.1", () => {
  let server: http.Server;
  let port: number;
  const requests: { method: string; url: string; authorization: string }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push({ method: req.method!, url: req.url!, authorization: String(req.headers.authorization ?? "") });
      req.resume();
      res.setHeader("Content-Type", "application/xml");
      if (req.url!.includes("location")) {
        res.end(`<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">us-east-1</LocationConstraint>`);
      } else {
        res.end(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>metrics</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("Thanos lists the bucket path-style, signing with the key pair from the environment, none of it in the file", async () => {
    const dir = tempDir("thanos-objstore-s3");
    const storage: ThanosObjectStorage = { kind: "s3-compatible", bucket: "metrics", url: `http://${LOOPBACK}:${port}`, credentialsSecret: { name: "thanos-objstore" } };
    const file = writeConfig(dir, "objstore.yml", renderThanosObjstore({ storage }));
    const keyId = "NOVACRONSENTINELKEY1";
    const secret = "novacron-sentinel-secret-3b9f";
    requests.length = 0;
    const run = await thanos(["tools", "bucket", "ls", `--objstore.config-file=${file}`], { [S3_KEY_ENV.accessKeyId]: keyId, [S3_KEY_ENV.secretAccessKey]: secret });
    expect({ code: run.code, output: run.code === 0 ? "" : run.output }).toEqual({ code: 0, output: "" });
    const list = requests.find((r) => r.method === "GET" && /^\/metrics\/?\?/.test(r.url) && !r.url.includes("location"));
    expect(list).toBeDefined();
    expect(list!.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${keyId}/`));
    expect(fs.readFileSync(file, "utf8")).not.toMatch(new RegExp(`${keyId}|${secret}`));
    expect(run.output).not.toContain(secret);
  });

  test("a misspelt key is refused before any request (objstore's S3 config is parsed strictly)", async () => {
    const dir = tempDir("thanos-objstore-s3-bad");
    const file = writeConfig(dir, "objstore.yml", { type: "S3", config: { bucket: "metrics", endpoint: `${LOOPBACK}:${port}`, insecure: true, bucket_lookup: "path" } });
    requests.length = 0;
    const run = await thanos(["tools", "bucket", "ls", `--objstore.config-file=${file}`], { [S3_KEY_ENV.accessKeyId]: "k", [S3_KEY_ENV.secretAccessKey]: "s" });
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/field bucket_lookup not found/);
    expect(requests).toEqual([]);
  });
});

describe("the cloud stores: every rendered key is a field of objstore's provider config", () => {
  /** The objstore module the binary links, unpacked in the module cache (the installer downloaded it to build). */
  const objstoreDir = () => {
    const info = execFileSync("go", ["version", "-m", thanosPath()], { encoding: "utf8" });
    const version = /dep\s+github.com\/thanos-io\/objstore\s+(\S+)/.exec(info)![1];
    const modCache = execFileSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" }).trim();
    return path.join(modCache, `github.com/thanos-io/objstore@${version}`);
  };
  const yamlTags = (file: string) => new Set([...fs.readFileSync(path.join(objstoreDir(), file), "utf8").matchAll(/yaml:"([a-z0-9_]+)/g)].map((m) => m[1]));

  test.each([
    ["S3 (AWS)", { kind: "s3", bucket: "metrics", region: "eu-west-1" }, "S3", "providers/s3/s3.go"],
    ["S3-compatible", { kind: "s3-compatible", bucket: "metrics", url: "https://minio:9000", region: "auto", pathStyle: false, credentialsSecret: { name: "s" } }, "S3", "providers/s3/s3.go"],
    ["GCS", { kind: "gcs", bucket: "metrics" }, "GCS", "providers/gcs/gcs.go"],
    ["AZURE", { kind: "azure", accountName: "acct", container: "metrics" }, "AZURE", "providers/azure/azure.go"],
    ["FILESYSTEM", { kind: "filesystem", directory: "/data" }, "FILESYSTEM", "providers/filesystem/filesystem.go"],
  ] as [string, ThanosObjectStorage, string, string][])("%s", (_, storage, type, source) => {
    const rendered = renderThanosObjstore({ storage, prefix: "p" }) as { type: string; config: Record<string, unknown> };
    expect(rendered.type).toBe(type);
    const fields = yamlTags(source);
    expect(fields.size).toBeGreaterThan(0);
    expect(Object.keys(rendered.config).filter((k) => !fields.has(k))).toEqual([]);
    // The top level (type, config, prefix) is the client factory's BucketConfig.
    const top = yamlTags("client/factory.go");
    expect(Object.keys(rendered).filter((k) => !top.has(k))).toEqual([]);
  });

  test("the check catches a key objstore does not have (negative control)", () => {
    expect(yamlTags("providers/s3/s3.go").has("bucket_lookup")).toBe(false);
    expect(yamlTags("providers/s3/s3.go").has("bucket_lookup_type")).toBe(true);
  });
});
