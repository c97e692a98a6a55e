// A real Kubernetes control plane on 127.0.0.1 for the deploy layer: etcd, kube-apiserver (RBAC, Pod Security
// admission, its own self-signed serving certificate) and kube-controller-manager (its garbage collector
// finishes foreground deletion; its controllers create the pods that admission checks). There is no kubelet
// and no scheduler: pods stay Pending. Every process is started and stopped by PID (test/loopback/processes.ts).
import { generateKeyPairSync, randomBytes } from "crypto";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { freePorts, LOOPBACK, makeTempDir, pollUntil, startProcess, StartedProcess, stopProcess } from "../loopback/processes";
import { deployToolsBin } from "./tools";

export interface ControlPlane {
  /** A kubeconfig for cluster-admin, as a file path and as its text (the provider's `kubeconfig` input). */
  kubeconfigPath: string;
  kubeconfig: string;
  server: string;
  /** GET an API path, parsed JSON; undefined on 404. */
  get<T = any>(apiPath: string): Promise<T | undefined>;
  /** Raw request: method, path, body; returns status and parsed body. */
  request(method: string, apiPath: string, body?: unknown, contentType?: string): Promise<{ status: number; body: any }>;
  processes: StartedProcess[];
  stop(): Promise<void>;
}

export async function startControlPlane(): Promise<ControlPlane> {
  const bin = deployToolsBin();
  const dir = makeTempDir("control-plane");
  const [etcdClient, etcdPeer, apiPort] = await freePorts(3);
  const token = randomBytes(24).toString("hex");
  fs.writeFileSync(path.join(dir, "tokens.csv"), `${token},admin,admin,"system:masters"\n`, { mode: 0o600 });
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  fs.writeFileSync(path.join(dir, "sa.key"), privateKey.export({ type: "pkcs1", format: "pem" }), { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));

  const processes: StartedProcess[] = [];
  const etcd = startProcess("etcd", path.join(bin, "etcd"), [
    `--data-dir=${path.join(dir, "etcd")}`,
    `--listen-client-urls=http://${LOOPBACK}:${etcdClient}`, `--advertise-client-urls=http://${LOOPBACK}:${etcdClient}`,
    `--listen-peer-urls=http://${LOOPBACK}:${etcdPeer}`, `--initial-advertise-peer-urls=http://${LOOPBACK}:${etcdPeer}`,
    `--initial-cluster=default=http://${LOOPBACK}:${etcdPeer}`, "--log-level=warn",
  ]);
  processes.push(etcd);

  const certDir = path.join(dir, "certs");
  const apiserver = startProcess("kube-apiserver", path.join(bin, "kube-apiserver"), [
    `--etcd-servers=http://${LOOPBACK}:${etcdClient}`,
    `--bind-address=${LOOPBACK}`, `--advertise-address=${LOOPBACK}`, `--secure-port=${apiPort}`, `--cert-dir=${certDir}`,
    `--token-auth-file=${path.join(dir, "tokens.csv")}`, "--authorization-mode=RBAC",
    "--service-account-issuer=https://kubernetes.default.svc", `--service-account-key-file=${path.join(dir, "sa.pub")}`,
    `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
    // Service IPs are only allocated, never routed: nothing leaves the machine.
    "--service-cluster-ip-range=10.96.0.0/16", "--endpoint-reconciler-type=none", "--allow-privileged=true",
    // Debian's etcd 3.4 sends no watch progress notifications, which the watch cache waits for ("Too large
    // resource version"): read from etcd directly. Slower, and the same objects.
    "--watch-cache=false", "--enable-priority-and-fairness=false", "-v=0",
  ]);
  processes.push(apiserver);

  const server = `https://${LOOPBACK}:${apiPort}`;
  const caFile = path.join(certDir, "apiserver.crt");
  let ca: Buffer | undefined;
  const request = (method: string, apiPath: string, body?: unknown, contentType = "application/json") =>
    new Promise<{ status: number; body: any }>((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
      const req = https.request(`${server}${apiPath}`, {
        method, ca, timeout: 30_000,
        headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(payload ? { "content-type": contentType } : {}) },
      }, (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => {
          let parsed: unknown = text;
          try { parsed = JSON.parse(text); } catch { /* not JSON */ }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${apiPath}: timed out`)));
      req.on("error", reject);
      if (payload) req.write(payload);
      req.end();
    });

  const fail = () => `${processes.map((p) => `${p.name}${p.exitStatus() ? ` exited ${JSON.stringify(p.exitStatus())}` : ""}:\n${p.log().slice(-4000)}`).join("\n")}`;
  await pollUntil(async () => {
    if (etcd.exitStatus() || apiserver.exitStatus()) throw new Error(`control plane exited:\n${fail()}`);
    if (!ca && fs.existsSync(caFile)) ca = fs.readFileSync(caFile);
    if (!ca) return undefined;
    try {
      const r = await request("GET", "/readyz");
      return r.status === 200 ? true : undefined;
    } catch {
      return undefined;
    }
  }, { timeoutMs: 180_000, intervalMs: 500, describe: () => `kube-apiserver not ready:\n${fail()}` });

  const kubeconfig = [
    "apiVersion: v1", "kind: Config", "current-context: loopback",
    "clusters:", `- name: loopback`, `  cluster: {server: "${server}", certificate-authority-data: ${ca!.toString("base64")}}`,
    "users:", `- name: admin`, `  user: {token: ${token}}`,
    "contexts:", `- name: loopback`, `  context: {cluster: loopback, user: admin}`, "",
  ].join("\n");
  const kubeconfigPath = path.join(dir, "kubeconfig");
  fs.writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });

  const controllerManager = startProcess("kube-controller-manager", path.join(bin, "kube-controller-manager"), [
    `--kubeconfig=${kubeconfigPath}`, "--leader-elect=false", `--bind-address=${LOOPBACK}`, "--secure-port=0",
    `--service-account-private-key-file=${path.join(dir, "sa.key")}`, `--root-ca-file=${caFile}`,
    "--controllers=*", "--concurrent-gc-syncs=5", "-v=0",
  ]);
  processes.push(controllerManager);
  // Ready when it has created the default namespace's service account (the serviceaccount controller runs).
  await pollUntil(async () => {
    if (controllerManager.exitStatus()) throw new Error(`kube-controller-manager exited:\n${fail()}`);
    const r = await request("GET", "/api/v1/namespaces/default/serviceaccounts/default");
    return r.status === 200 ? true : undefined;
  }, { timeoutMs: 180_000, intervalMs: 500, describe: () => `kube-controller-manager not running its controllers:\n${fail()}` });

  return {
    kubeconfigPath, kubeconfig, server, processes, request,
    async get(apiPath) {
      const r = await request("GET", apiPath);
      if (r.status === 404) return undefined;
      if (r.status >= 300) throw new Error(`GET ${apiPath}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async stop() {
      for (const p of [controllerManager, apiserver, etcd]) await stopProcess(p, 10_000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
