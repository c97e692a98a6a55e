// The test side of test/deploy/driver.ts: a project directory and a file state backend per stack, and each
// Pulumi operation run in a fresh Node process (as a user's `pulumi` command is).
import * as fs from "fs";
import * as path from "path";
import { makeTempDir, startProcess } from "../loopback/processes";
import type { ConfigSetting, DriverRequest, DriverResult, Operation } from "./driver";
import { copyProjectFiles } from "./driver";
import { deployToolsBin } from "./tools";

const repoRoot = path.resolve(__dirname, "..", "..");
const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");

export interface EngineStack {
  run(op: Operation, extra?: Partial<DriverRequest>): Promise<DriverResult>;
  /** Runs the operation and throws with the CLI's output if it failed. */
  must(op: Operation, extra?: Partial<DriverRequest>): Promise<DriverResult>;
  setConfig(settings: ConfigSetting[]): Promise<void>;
  /** The stack's config file as the CLI wrote it. */
  stackFile(): string;
}

export function engineStack(options: { stack: string; program?: string; kubeconfigPath: string; projectDir?: string; skipAwait?: boolean }): EngineStack {
  const root = makeTempDir(`deploy-${options.stack}`);
  const workDir = path.join(root, "project");
  const backendDir = path.join(root, "state");
  fs.mkdirSync(backendDir, { recursive: true });
  let operations = 0;
  copyProjectFiles(workDir, options.stack, options.projectDir);
  const base: DriverRequest = {
    op: "preview", stack: options.stack, workDir, backendDir, resultFile: "", program: options.program ?? "index.ts",
    kubeconfigPath: options.kubeconfigPath, toolsBin: deployToolsBin(), skipAwait: options.skipAwait ?? true,
  };
  const run = (op: Operation, extra: Partial<DriverRequest> = {}) =>
    runDriver({ ...base, ...extra, op, resultFile: path.join(root, `result-${++operations}.json`) });
  const must = async (op: Operation, extra: Partial<DriverRequest> = {}) => {
    const result = await run(op, extra);
    if (!result.ok) throw new Error(`pulumi ${op} --stack ${options.stack} failed:\n${result.error}\n${result.stdout.slice(-6000)}`);
    return result;
  };
  return {
    run, must,
    async setConfig(config) { await must("config", { config }); },
    stackFile: () => fs.readFileSync(path.join(workDir, `Pulumi.${options.stack}.yaml`), "utf8"),
  };
}

/**
 * Prod as the deploy layer runs it: every channel's credential set as a secret, the clouds off (their
 * providers cannot be built here), Loki's single binary on its volume (object storage, and with it Loki's
 * scalable targets, needs a cloud), Thanos on an S3-compatible store (its key pair set as secrets; nothing
 * answers at the URL, which the objects do not need), and the ECK chart from `chartRepository`.
 */
export function prodCloudsOffConfig(chartRepository: string): ConfigSetting[] {
  return [
    { key: "novacron:slackWebhookUrl", value: "https://hooks.slack.com/services/T0/B0/x", secret: true },
    { key: "novacron:smtpPassword", value: "smtp-password", secret: true },
    { key: "novacron:pagerdutyRoutingKey", value: "0123456789abcdef0123456789abcdef", secret: true },
    { key: "novacron:teamsWebhookUrl", value: "https://example.webhook.office.com/x", secret: true },
    { key: "novacron:heartbeatUrl", value: "https://heartbeat.example.com/x", secret: true },
    ...["aws", "gcp", "azure"].map((cloud) => ({ key: `novacron:clouds.${cloud}.enabled`, value: "false", path: true })),
    { key: "novacron:loki.storage", value: "filesystem", path: true },
    { key: "novacron:loki.mode", value: "single", path: true }, // the scalable targets need the bucket
    // Thanos' bucket in a cloud needs the cloud: an S3-compatible store instead, so every Thanos object deploys.
    { key: "novacron:thanos.storage", value: "s3-compatible", path: true },
    { key: "novacron:thanos.s3Compatible.url", value: "http://minio.storage.svc:9000", path: true },
    { key: "novacron:thanos.s3Compatible.bucket", value: "novacron-thanos", path: true },
    { key: "novacron:thanos.s3Compatible.pathStyle", value: "true", path: true },
    { key: "novacron:thanosS3AccessKeyId", value: "deploy-test-access-key", secret: true },
    { key: "novacron:thanosS3SecretAccessKey", value: "deploy-test-secret-key", secret: true },
    { key: "novacron:elk.operatorChartRepository", value: chartRepository, path: true },
  ];
}

/** One driver process, tracked (and stopped by PID if the test process exits first); its result from its file. */
async function runDriver(request: DriverRequest): Promise<DriverResult> {
  const driver = startProcess(`pulumi ${request.op} (${request.stack})`, tsx, [path.join(__dirname, "driver.ts"), JSON.stringify(request)], {
    cwd: repoRoot, env: { NODE_OPTIONS: "--max-old-space-size=4096" },
  });
  const exit = await driver.exited;
  if (!fs.existsSync(request.resultFile)) throw new Error(`${driver.name} exited ${JSON.stringify(exit)} without a result:\n${driver.log()}`);
  return JSON.parse(fs.readFileSync(request.resultFile, "utf8")) as DriverResult;
}

/** The steps of an operation that change something, as `op type::name` strings, sorted. */
export function changes(result: DriverResult): string[] {
  return result.steps.filter((s) => s.op !== "same" && s.op !== "read").map((s) => `${s.op} ${s.type}::${s.urn.split("::").pop()}`).sort();
}
