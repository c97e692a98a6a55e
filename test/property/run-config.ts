// Runs the stack program for one generated config under Pulumi's mocks (the offline render's engine,
// scripts/mock-resources.ts), as `pulumi up` would run it, and judges what no tool is needed for: a refusal
// must be a StackConfigError whose every problem names a `novacron:` key, with nothing registered; a render
// must register without an error, and no sentinel may appear outside a Secret (rendered files, non-Secret
// objects, secrets in clear in other resources, the log, outputs that are not secret). The mocks are
// process-wide: one run at a time.
import * as pulumi from "@pulumi/pulumi";
import { maskSecrets, RenderedResource, ResourceRecorder } from "../../scripts/mock-resources";
import { renderedFiles } from "../../scripts/render";
import { CONFIG_NAMESPACE, loadStackConfig, StackConfigError } from "../../stacks/config";
import { createMonitoringStack } from "../../stacks/monitoring-stack";
import { stackSpecSchema } from "../../stacks/schema";
import { captureLogs } from "../helpers/program";
import { findSecretLeaks } from "../helpers/sentinels";
import type { GeneratedConfig } from "./generate";

export interface ConfigRun {
  /** What the program threw, or an error its outputs or registrations failed with afterwards. */
  error?: unknown;
  resources: RenderedResource[];
  logs: string[];
  /** The stack outputs index.ts exports: name → whether secret, and value. */
  outputs: Record<string, { secret: boolean; value: unknown }>;
  /** The render's file layout (scripts/render.ts), when the program ran through. */
  files?: Record<string, string>;
}

/** Registers nothing: a refused config leaves exactly this many resources. */
export const REFUSED_RESOURCES = 0;

const OUTPUT_NAMES = ["namespace", "prometheusUrl", "alertmanagerUrl", "alertmanagerPeers", "grafanaUrl", "grafanaAdminPassword"] as const;

/** The program of index.ts, with its outputs: loading index.ts itself costs a fresh module registry per run. */
function program() {
  const stack = createMonitoringStack(loadStackConfig());
  const outputs: Record<(typeof OUTPUT_NAMES)[number], pulumi.Output<unknown> | undefined> = {
    namespace: stack.namespace,
    prometheusUrl: stack.prometheus.url,
    alertmanagerUrl: stack.alertmanager.url,
    alertmanagerPeers: stack.alertmanager.peerAddresses,
    grafanaUrl: stack.grafana?.url,
    grafanaAdminPassword: stack.grafana?.adminPassword,
  };
  return outputs;
}

/** An output's value, or its error: `promise()` is the SDK's own (internal) accessor, which rejects when an apply throws. */
const settled = (output: pulumi.Output<unknown>) => (output as unknown as { promise(): Promise<unknown> }).promise();

export async function runConfig(generated: GeneratedConfig): Promise<ConfigRun> {
  const recorder = new ResourceRecorder();
  await recorder.install(generated.stack);
  pulumi.runtime.setAllConfig(generated.config, generated.secretKeys);
  const logs: string[] = [];
  const run: ConfigRun = { resources: recorder.resources, logs, outputs: {} };
  // An error raised inside an apply or a registration surfaces here, not as a throw.
  const late: unknown[] = [];
  const onRejection = (reason: unknown) => void late.push(reason);
  process.on("unhandledRejection", onRejection);
  const restore = captureLogs(logs);
  try {
    const outputs = program();
    for (const [name, output] of Object.entries(outputs)) {
      if (!output) continue;
      run.outputs[name] = { secret: await pulumi.isSecret(output), value: await settled(output) };
    }
  } catch (err) {
    run.error = err;
  } finally {
    await recorder.settle();
    restore();
    process.off("unhandledRejection", onRejection);
  }
  run.error ??= late[0];
  if (run.error === undefined) {
    const secretValues = Object.fromEntries(generated.secretKeys.map((key) => [key, generated.config[key]]));
    run.files = renderedFiles(run.resources, secretValues);
  }
  return run;
}

/** Top-level config keys the schema and the secrets define: a problem must name one of them (or a key the config set). */
const knownRoots = new Set<string>(Object.keys((stackSpecSchema as unknown as { shape: object }).shape));

/** What is wrong with a refusal: an empty list when it is a clean StackConfigError before any registration. */
export function refusalProblems(generated: GeneratedConfig, run: ConfigRun): string[] {
  const err = run.error as Partial<StackConfigError> & Error;
  const problems: string[] = [];
  if (!(err instanceof Error) || err.name !== "StackConfigError" || !Array.isArray(err.problems) || err.problems.length === 0) {
    problems.push(`not a StackConfigError naming a key: ${err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 600) : String(err)}`);
  } else {
    for (const p of err.problems) {
      const root = /^novacron:([^.[]+)/.exec(p.key)?.[1];
      const setByConfig = Object.keys(generated.config).some((k) => k.slice(CONFIG_NAMESPACE.length + 1) === root);
      if (!root || !(knownRoots.has(root) || setByConfig)) problems.push(`a problem names no config key: ${JSON.stringify(p)}`);
    }
  }
  if (run.resources.length !== REFUSED_RESOURCES) {
    problems.push(`${run.resources.length} resources registered before the error (first: ${run.resources.slice(0, 3).map((r) => `${r.type} ${r.name}`).join(", ")})`);
  }
  const echoed = findSecretLeaks(`${err?.message ?? String(err)}\n${run.logs.join("\n")}`, generated.sentinels);
  if (echoed.length > 0) problems.push(`the error or the log echoes a secret: ${echoed.map((l) => `${l.secret} (${l.encoding})`).join(", ")}`);
  return problems;
}

/** Kubernetes objects the stack declares twice (same kind, namespace and name): the second would clash with the first. */
export function objectClashes(run: ConfigRun): string[] {
  const seen = new Set<string>();
  const clashes: string[] = [];
  for (const r of run.resources.filter((r) => r.type.startsWith("kubernetes:") && r.inputs.kind)) {
    const key = `${r.inputs.apiVersion} ${r.inputs.kind} ${r.inputs.metadata?.namespace ?? ""}/${r.inputs.metadata?.name}`;
    if (seen.has(key)) clashes.push(`declared twice: ${key}`);
    seen.add(key);
  }
  return clashes;
}

/** Every place a sentinel shows outside a Secret or a secret input, in any encoding. */
export function secretLeaks(generated: GeneratedConfig, run: ConfigRun): string[] {
  const found = (where: string, text: string) => findSecretLeaks(text, generated.sentinels).map((l) => `${where}: ${l.secret} (${l.encoding})`);
  const isSecretObject = (r: RenderedResource) => r.type === "kubernetes:core/v1:Secret" && r.inputs.kind === "Secret";
  return [
    ...Object.entries(run.files ?? {}).flatMap(([file, text]) => found(`file ${file}`, text)),
    // A Kubernetes object other than a Secret holds every value in clear in the cluster, secret-wrapped or not;
    // any other resource may hold a credential only as a Pulumi secret.
    ...run.resources.filter((r) => !isSecretObject(r)).flatMap((r) => found(`${r.type} ${r.name}`, JSON.stringify(r.type.startsWith("kubernetes:") ? r.inputs : maskSecrets(r.wireInputs ?? r.inputs)))),
    ...found("log", run.logs.join("\n")),
    ...Object.entries(run.outputs).filter(([, o]) => !o.secret).flatMap(([name, o]) => found(`output ${name}`, JSON.stringify(o.value) ?? "")),
  ];
}
