// Runs one Pulumi operation with the real engine, in its own Node process, as `pulumi <op>` would for a user:
// a fresh process loads the program (index.ts, or an example), so each operation sees exactly what the user's
// would. The Node.js language host is not on the Go module proxy, so the program runs through the Automation
// API's inline program (the CLI drives it over `--client`); everything else is the real CLI and engine: the
// file state backend, passphrase secrets, config from Pulumi.yaml and Pulumi.<stack>.yaml, the kubernetes
// provider plugin, and the cluster's API server.
//
// Usage: tsx test/deploy/driver.ts '<DriverRequest JSON>'; writes the DriverResult to request.resultFile.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { SKIP_AWAIT_ANNOTATION } from "../../components/kube";
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

export type Operation = "preview" | "up" | "refresh" | "destroy" | "config" | "export";

export interface ConfigSetting {
  key: string;
  value: string;
  secret?: boolean;
  /** `pulumi config set --path`. */
  path?: boolean;
}

export interface DriverRequest {
  op: Operation;
  stack: string;
  /** The project directory (Pulumi.yaml, Pulumi.<stack>.yaml), a copy the test owns. */
  workDir: string;
  /** Where the driver writes its DriverResult (JSON). */
  resultFile: string;
  /** The program module to load, relative to the repository root (e.g. index.ts). */
  program: string;
  /** Directory of the file state backend. */
  backendDir: string;
  kubeconfigPath: string;
  /** The deploy tools' bin directory: the CLI and the provider plugins on PATH. */
  toolsBin: string;
  config?: ConfigSetting[];
  /** TEST-ONLY: there is no kubelet here, so pods never become ready; skip the provider's readiness await. */
  skipAwait?: boolean;
  /** preview --diff: keep the CLI's rendered diff text. */
  diff?: boolean;
}

export interface StepSummary {
  op: string;
  urn: string;
  type: string;
}

export interface DriverResult {
  ok: boolean;
  /** The CLI's output (stdout), e.g. the `--diff` text. */
  stdout: string;
  /** The error the operation failed with, as the CLI reported it. */
  error?: string;
  steps: StepSummary[];
  diagnostics: { severity: string; message: string; urn?: string }[];
  changeSummary?: Record<string, number>;
  /** `pulumi stack export`: each resource's type, URN and outputs. */
  resources?: { type: string; urn: string; outputs?: Record<string, any> }[];
}

const repoRoot = path.resolve(__dirname, "..", "..");

/** TEST-ONLY transform: every Kubernetes object gets pulumi.com/skipAwait, the Helm chart its skipAwait input. */
function registerSkipAwait() {
  pulumi.runtime.registerResourceTransform(async ({ type, props, opts }) => {
    if (type === "kubernetes:helm.sh/v4:Chart") return { props: { ...props, skipAwait: true }, opts };
    if (!type.startsWith("kubernetes:") || type === "pulumi:providers:kubernetes" || type.endsWith("List")) return undefined;
    const metadata = (props.metadata ?? {}) as Record<string, unknown>;
    return { props: { ...props, metadata: { ...metadata, annotations: { ...((metadata.annotations ?? {}) as object), ...SKIP_AWAIT_ANNOTATION } } }, opts };
  });
}

async function run(request: DriverRequest): Promise<DriverResult> {
  const program = async () => {
    if (request.skipAwait) registerSkipAwait();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(path.resolve(repoRoot, request.program)) as Record<string, unknown>;
    return exports;
  };
  const envVars: Record<string, string> = {
    PULUMI_BACKEND_URL: `file://${request.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "deploy-layer-test-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: path.join(request.backendDir, ".pulumi-home"),
    KUBECONFIG: request.kubeconfigPath,
    PATH: `${request.toolsBin}:${process.env.PATH}`,
  };
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(request.toolsBin) });
  const ws = await LocalWorkspace.create({ workDir: request.workDir, program, envVars, pulumiCommand });
  const stack = await Stack.createOrSelect(request.stack, ws);

  for (const c of request.config ?? []) await stack.setConfig(c.key, { value: c.value, secret: c.secret }, c.path);

  const steps: StepSummary[] = [];
  const diagnostics: DriverResult["diagnostics"] = [];
  let stdout = "";
  const onEvent = (event: EngineEvent) => {
    const pre = event.resourcePreEvent?.metadata;
    if (pre) steps.push({ op: pre.op, urn: pre.urn, type: pre.type });
    const diag = event.diagnosticEvent;
    if (diag) diagnostics.push({ severity: diag.severity, message: diag.message, urn: diag.urn });
  };
  const onOutput = (out: string) => { stdout += out; };
  const result: DriverResult = { ok: true, stdout: "", steps, diagnostics };
  try {
    switch (request.op) {
      case "preview": {
        const r = await stack.preview({ onEvent, onOutput, diff: request.diff, color: "never" });
        result.changeSummary = r.changeSummary as Record<string, number>;
        break;
      }
      case "up": {
        const r = await stack.up({ onEvent, onOutput, color: "never" });
        result.changeSummary = r.summary.resourceChanges as Record<string, number>;
        break;
      }
      case "refresh": {
        const r = await stack.refresh({ onEvent, onOutput, color: "never" });
        result.changeSummary = r.summary.resourceChanges as Record<string, number>;
        break;
      }
      case "destroy": {
        const r = await stack.destroy({ onEvent, onOutput, color: "never" });
        result.changeSummary = r.summary.resourceChanges as Record<string, number>;
        break;
      }
      case "export": {
        const deployment = await stack.exportStack();
        result.resources = ((deployment.deployment as { resources?: any[] }).resources ?? []).map((r) => ({ type: r.type, urn: r.urn, outputs: r.outputs }));
        break;
      }
      case "config":
        break;
    }
  } catch (err) {
    result.ok = false;
    result.error = err instanceof Error ? err.message : String(err);
  }
  result.stdout = stdout;
  return result;
}

if (require.main === module) {
  const request = JSON.parse(process.argv[2]) as DriverRequest;
  run(request)
    .catch((err): DriverResult => ({ ok: false, error: String(err?.stack ?? err), stdout: "", steps: [], diagnostics: [] }))
    .then((result) => {
      fs.writeFileSync(request.resultFile, JSON.stringify(result));
      process.exit(0);
    });
}

/** Where the project files for a stack come from: the repository's own Pulumi.yaml and Pulumi.<stack>.yaml. */
export function copyProjectFiles(workDir: string, stack: string, from = repoRoot) {
  fs.mkdirSync(workDir, { recursive: true });
  for (const file of ["Pulumi.yaml", `Pulumi.${stack}.yaml`]) {
    if (!fs.existsSync(path.join(from, file))) continue;
    let text = fs.readFileSync(path.join(from, file), "utf8");
    // `main` points the Node.js language host at the program; the inline program replaces that host, and
    // the CLI checks that `main` exists in the project directory.
    if (file === "Pulumi.yaml") text = text.replace(/^main:.*\n/m, "");
    fs.writeFileSync(path.join(workDir, file), text);
  }
}
