// The rendered monitoring stack as real processes on 127.0.0.1 — Prometheus, the Alertmanager peers,
// node_exporter, blackbox_exporter and ML model exporters as asked — plus a webhook receiver in place of
// the notification channel. Shared by the e2e tests, the scenarios beside it and bench/.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { blackboxExporterContract } from "../../components/blackbox-exporter/contract";
import { mlModelExporterContract } from "../../components/ml-model-exporter/contract";
import { nodeExporterContract } from "../../components/node-exporter/contract";
import { renderToTempDir } from "../helpers/rendered";
import { toolPath } from "../helpers/tools";
import {
  E2E_NODE_NAME, loopbackAlertmanagerArgs, loopbackAlertmanagerConfig, loopbackPrometheusConfig, LoopbackTargets, renderedContainer,
} from "./config";
import { freePorts, getJson, LOOPBACK, makeTempDir, pollUntil, removeOnExit, startProcess, StartedProcess, stopProcess, waitForHttp } from "./processes";
import { startWebhookReceiver, WebhookReceiver } from "./webhook-receiver";

/** The ML model exporter's scrape job: a service target's job is `novacron-<name>` (components/prometheus). */
export const ML_EXPORTER_JOB = mlModelExporterContract.job;

const READY_TIMEOUT_MS = 30_000;

function ensureDir(...parts: string[]): string {
  const dir = path.join(...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The dev stack rendered by scripts/render.ts in a child process, in a temp dir removed at exit at the latest. */
export function renderDevStack(): string {
  return removeOnExit(renderToTempDir("dev"));
}

export interface LoopbackFiles {
  prometheusYml: string;
  alertmanagerYml: string;
  blackboxYml: string;
}

/**
 * Writes the loopback variant of a rendered tree into `workDir`: rewritten prometheus.yml and
 * alertmanager.yml, the rule files and blackbox.yml as rendered, and each secret file Alertmanager
 * references (contents from `secrets`, by file name; a missing one is an error).
 */
export function writeLoopbackConfigs(renderedDir: string, workDir: string, targets: LoopbackTargets, secrets: Record<string, string>, rewrite: { probeTargets?: Record<string, string> } = {}): LoopbackFiles {
  const dir = (...parts: string[]) => ensureDir(workDir, ...parts);
  const rulesDir = dir("prometheus", "rules");
  fs.cpSync(path.join(renderedDir, "prometheus", "rules"), rulesDir, { recursive: true });
  const prometheusYml = path.join(dir("prometheus"), "prometheus.yml");
  fs.writeFileSync(prometheusYml, loopbackPrometheusConfig(fs.readFileSync(path.join(renderedDir, "prometheus", "prometheus.yml"), "utf8"), { targets, rulesDir, nodeName: E2E_NODE_NAME, probeTargets: rewrite.probeTargets }));

  const alertmanagerYml = writeLoopbackAlertmanagerConfig(renderedDir, dir("alertmanager"), secrets);

  const blackboxYml = path.join(dir("blackbox"), "blackbox.yml");
  fs.copyFileSync(path.join(renderedDir, "blackbox", "blackbox.yml"), blackboxYml);
  return { prometheusYml, alertmanagerYml, blackboxYml };
}

/**
 * Writes the loopback alertmanager.yml into `amDir` with each secret file it references in `amDir`/secrets
 * (contents from `secrets`, by file name; a missing one is an error). Returns the config file's path.
 */
export function writeLoopbackAlertmanagerConfig(renderedDir: string, amDir: string, secrets: Record<string, string>): string {
  const secretsDir = ensureDir(amDir, "secrets");
  const am = loopbackAlertmanagerConfig(fs.readFileSync(path.join(renderedDir, "alertmanager", "alertmanager.yml"), "utf8"), secretsDir);
  for (const file of am.secretFiles) {
    if (secrets[file] === undefined) throw new Error(`alertmanager.yml references secret ${file}, which the loopback setup does not provide`);
    fs.writeFileSync(path.join(secretsDir, file), secrets[file], { mode: 0o600 });
  }
  const alertmanagerYml = path.join(amDir, "alertmanager.yml");
  fs.writeFileSync(alertmanagerYml, am.yaml);
  return alertmanagerYml;
}

/** The webhook secret of every channel the dev stack enables points at the local receiver. */
export function loopbackSecrets(receiverUrl: string): Record<string, string> {
  return { webhookUrl: receiverUrl };
}

export interface LoopbackOptions {
  /** Alertmanager peers to run; default: the rendered StatefulSet's replicas (gossiping when more than one). */
  alertmanagers?: number;
  /** Run node_exporter (default true). */
  nodeExporter?: boolean;
  /** Run blackbox_exporter (default true). */
  blackboxExporter?: boolean;
  /** Stand-ins for rendered blackbox probe targets (see PrometheusRewrite.probeTargets). */
  probeTargets?: Record<string, string>;
  /** Run one ML model exporter (exporters/ml-model) per entry, reading from that ML service URL. */
  mlExporterEndpoints?: string[];
  /** Prometheus flags added to the command line (e.g. a shorter `--rules.alert.resend-delay`). */
  prometheusFlags?: string[];
}

export interface LoopbackStack {
  workDir: string;
  files: LoopbackFiles;
  targets: LoopbackTargets;
  prometheusUrl: string;
  /** The first Alertmanager peer's URL. */
  alertmanagerUrl: string;
  /** Every Alertmanager peer's URL, in peer order. */
  alertmanagerUrls: string[];
  receiver: WebhookReceiver;
  /** The processes currently running (replaced when one is restarted); absent when not run. */
  processes: { prometheus: StartedProcess; alertmanager: StartedProcess; nodeExporter: StartedProcess; blackboxExporter: StartedProcess };
  alertmanagers: StartedProcess[];
  mlExporters: StartedProcess[];
  /** Starts node_exporter (again) on its port and waits until it serves metrics. */
  startNodeExporter(): Promise<StartedProcess>;
  /** Starts Alertmanager peer `i` (again, same storage and ports) and waits until it is ready. */
  startAlertmanager(i: number): Promise<StartedProcess>;
  /** Stops Prometheus by PID and starts it again on the same data directory; resolves once it is ready. */
  restartPrometheus(): Promise<StartedProcess>;
  /** Stops every process and the receiver and removes the work directory. Safe to call twice. */
  stop(): Promise<void>;
}

const url = (address: string, p: string) => `http://${address}${p}`;
const repoRoot = path.resolve(__dirname, "..", "..");

/** The ML model exporter's own dependencies (it is a package of its own), installed on first use. */
function ensureMlExporterDeps(): string {
  const dir = path.join(repoRoot, "exporters", "ml-model");
  if (!fs.existsSync(path.join(dir, "node_modules", "prom-client"))) execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  return path.join(dir, "src", "main.ts");
}

/**
 * Starts the processes of the loopback variant of `renderedDir` (Prometheus, the Alertmanager peers with
 * the rendered command line, and the exporters asked for) and waits until each is ready. If any fails to
 * start, what was started is stopped before the error propagates.
 */
export async function startLoopbackStack(renderedDir: string, options: LoopbackOptions = {}): Promise<LoopbackStack> {
  const workDir = makeTempDir("e2e");
  const amRendered = renderedContainer(fs.readFileSync(path.join(renderedDir, "kubernetes", "alertmanager.yaml"), "utf8"), "alertmanager");
  const peers = options.alertmanagers ?? amRendered.replicas;
  const mlEndpoints = options.mlExporterEndpoints ?? [];
  const wantNode = options.nodeExporter ?? true;
  const wantBlackbox = options.blackboxExporter ?? true;
  const ports = await freePorts(1 + 2 * peers + 2 + mlEndpoints.length);
  const take = (n: number) => ports.splice(0, n).map((p) => `${LOOPBACK}:${p}`);
  const [promAddress] = take(1);
  const amWeb = take(peers);
  const amGossip = take(peers);
  const [neAddress, bbAddress] = take(2);
  const mlAddresses = take(mlEndpoints.length);
  const targets: LoopbackTargets = {
    prometheus: promAddress,
    alertmanager: peers === 1 ? amWeb[0] : amWeb,
    ...(wantNode ? { [nodeExporterContract.job]: neAddress } : {}),
    ...(wantBlackbox ? { [blackboxExporterContract.job]: bbAddress } : {}),
    ...(mlEndpoints.length ? { [ML_EXPORTER_JOB]: mlAddresses } : {}),
  };
  const receiver = await startWebhookReceiver();
  const processes: Partial<LoopbackStack["processes"]> = {};
  const alertmanagers: StartedProcess[] = [];
  const mlExporters: StartedProcess[] = [];
  const running = () => [...Object.values(processes), ...alertmanagers, ...mlExporters];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(running().map((p) => stopProcess(p)));
    await receiver.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  };

  const startNodeExporter = async () => {
    const p = startProcess("node_exporter", toolPath("node_exporter"), [`--web.listen-address=${neAddress}`]);
    processes.nodeExporter = p;
    await waitForHttp(url(neAddress, "/metrics"), { timeoutMs: READY_TIMEOUT_MS, owner: p });
    return p;
  };

  let files: LoopbackFiles;
  const data = (name: string) => ensureDir(workDir, "data", name);
  const startAlertmanager = async (i: number) => {
    // Each peer of a cluster posts to the receiver with `?peer=<i>`, so a duplicate names its sender.
    const configFile = peers === 1 ? files.alertmanagerYml : writeLoopbackAlertmanagerConfig(renderedDir, ensureDir(workDir, `alertmanager-${i}`), loopbackSecrets(`${receiver.url}?peer=${i}`));
    const args = loopbackAlertmanagerArgs(amRendered.args, {
      configFile,
      storagePath: data(`alertmanager-${i}`),
      web: amWeb[i],
      cluster: peers > 1 ? { listen: amGossip[i], peers: amGossip } : undefined,
    });
    const p = startProcess(`alertmanager-${i}`, toolPath("alertmanager"), args);
    alertmanagers[i] = p;
    if (i === 0) processes.alertmanager = p;
    await waitForHttp(url(amWeb[i], "/-/ready"), { timeoutMs: READY_TIMEOUT_MS, owner: p });
    return p;
  };

  const prometheusArgs = () => [
    `--config.file=${files.prometheusYml}`,
    `--storage.tsdb.path=${data("prometheus")}`,
    `--web.listen-address=${promAddress}`,
    "--web.enable-lifecycle",
    "--enable-feature=exemplar-storage", // as the rendered StatefulSet: the real binary must accept it
    ...(options.prometheusFlags ?? []),
  ];
  const startPrometheus = async () => {
    // POD_NAME is expanded into the `replica` external label, as in the cluster.
    const p = startProcess("prometheus", toolPath("prometheus"), prometheusArgs(), { env: { POD_NAME: "prometheus-e2e-0" } });
    processes.prometheus = p;
    await waitForHttp(url(promAddress, "/-/ready"), { timeoutMs: READY_TIMEOUT_MS, owner: p });
    return p;
  };
  const restartPrometheus = async () => {
    await stopProcess(processes.prometheus!);
    return startPrometheus();
  };

  try {
    files = writeLoopbackConfigs(renderedDir, workDir, targets, loopbackSecrets(receiver.url), { probeTargets: options.probeTargets });
    const mlMain = mlEndpoints.length ? ensureMlExporterDeps() : "";
    const mlEnv = mlEndpoints.length ? renderedContainer(fs.readFileSync(path.join(renderedDir, "kubernetes", "ml-model-exporter.yaml"), "utf8"), "ml-model-exporter").env : {};
    if (wantBlackbox) {
      processes.blackboxExporter = startProcess("blackbox_exporter", toolPath("blackbox_exporter"), [`--config.file=${files.blackboxYml}`, `--web.listen-address=${bbAddress}`]);
    }
    const ready: Promise<unknown>[] = [
      ...Array.from({ length: peers }, (_, i) => startAlertmanager(i)),
      startPrometheus(),
      ...(wantNode ? [startNodeExporter()] : []),
      ...(wantBlackbox ? [waitForHttp(url(bbAddress, "/-/healthy"), { timeoutMs: READY_TIMEOUT_MS, owner: processes.blackboxExporter })] : []),
      ...mlEndpoints.map((endpoint, i) => {
        // The rendered environment, with the ML service and the listen address on loopback.
        const [host, port] = [LOOPBACK, mlAddresses[i].split(":")[1]];
        const p = startProcess(`ml-model-exporter-${i}`, process.execPath, ["--import", "tsx", mlMain], {
          cwd: repoRoot,
          env: { ...mlEnv, ML_MODEL_ENDPOINT: endpoint, EXPORT_HOST: host, EXPORT_PORT: port },
        });
        mlExporters[i] = p;
        return waitForHttp(url(mlAddresses[i], "/healthz"), { timeoutMs: READY_TIMEOUT_MS, owner: p });
      }),
    ];
    await Promise.all(ready);
    return {
      workDir, files, targets, receiver, startNodeExporter, startAlertmanager, restartPrometheus, stop,
      prometheusUrl: url(promAddress, ""),
      alertmanagerUrl: url(amWeb[0], ""),
      alertmanagerUrls: amWeb.map((a) => url(a, "")),
      processes: processes as LoopbackStack["processes"],
      alertmanagers,
      mlExporters,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Results of an instant query: `[labels, value]` per series. */
export async function promQuery(stack: LoopbackStack, query: string): Promise<Array<{ metric: Record<string, string>; value: number }>> {
  const body = await getJson(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  if (body.status !== "success") throw new Error(`query ${query}: ${JSON.stringify(body)}`);
  return body.data.result.map((r: any) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** Waits until every series of `up{job=...}` is 1 (and at least one exists): scraped successfully. */
export async function waitForJobUp(stack: LoopbackStack, job: string, timeoutMs: number): Promise<Array<Record<string, string>>> {
  let last: unknown = "no query yet";
  return pollUntil(async () => {
    const series = await promQuery(stack, `up{job="${job}"}`);
    last = series;
    return series.length > 0 && series.every((s) => s.value === 1) ? series.map((s) => s.metric) : undefined;
  }, { timeoutMs, intervalMs: 1_000, describe: () => `up{job="${job}"} is not 1: ${JSON.stringify(last)}\nprometheus log:\n${stack.processes.prometheus.log()}` });
}
