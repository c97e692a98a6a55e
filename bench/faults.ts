// Time-to-notify under faults, on the rendered stack running on 127.0.0.1 (test/loopback/alerting-faults.ts
// and target-faults.ts): each scenario on a fresh stack, all scenarios at once (they share nothing but the
// machine).
//
//   npx tsx bench/faults.ts [--runs N] [scenario ...]
//
// Scenarios: peer-loss, receiver-outage, prometheus-restart, probe-down, ml-down, bad-reload (default all).
// Prints each time-to-notify with the bound computed from the rendered config; exits non-zero if a
// scenario fails or misses its bound.
import * as fs from "fs";
import { alertmanagerPeerLoss, badConfigReload, prometheusRestart, receiverOutage } from "../test/loopback/alerting-faults";
import { PROD_WEBHOOK_ONLY, renderForFaults } from "../test/loopback/faults";
import { stopAllOnSignals, stopAllProcesses } from "../test/loopback/processes";
import { mlExporterDown, probeTargetDown } from "../test/loopback/target-faults";
import { summarise } from "../test/loopback/webhook-receiver";

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
interface Figure { what: string; ms: number; boundMs: number; extra?: string }

const scenarios: Record<string, (dirs: { dev: string; prod: string }) => Promise<Figure[]>> = {
  "peer-loss": async ({ prod }) => {
    const r = await alertmanagerPeerLoss(prod);
    return [{ what: `NodeDown, ${r.peers}-peer cluster, first-in-line peer killed`, ms: r.timeToNotifyMs, boundMs: r.boundMs, extra: `members while down ${r.membersWhileDown.join("/")}, converged in ${s(r.convergeMs)} after the restart, restarted peer quiet for ${s(r.restartedPeerQuietMs)}; notifications: ${r.notifications.map((n) => `${n.path.replace(/^.*\?/, "")} ${summarise([n])}`).join(" ")}` }];
  },
  "receiver-outage": async ({ dev }) => {
    const r = await receiverOutage(dev);
    return [{ what: "NodeDown through a receiver outage", ms: r.timeToNotifyMs, boundMs: r.boundMs, extra: `${r.refused} attempts refused over ${s(r.outageMs)}, delivered ${s(r.recoveryToDeliveryMs)} after recovery` }];
  },
  "prometheus-restart": async ({ dev }) => {
    const r = await prometheusRestart(dev);
    return [{ what: "NodeDown with Prometheus restarted while pending", ms: r.timeToNotifyMs, boundMs: r.boundMs, extra: `restarts ${r.restartsMs.map(s).join(", ")}; re-fired ${s(r.refiredMs)} after the restart while firing` }];
  },
  "probe-down": async ({ dev }) => {
    const r = await probeTargetDown(dev);
    return [{ what: "EndpointProbeFailed", ms: r.timeToNotifyMs, boundMs: r.boundMs }];
  },
  "ml-down": async ({ dev }) => {
    const r = await mlExporterDown(dev);
    return [
      { what: "MLExporterUpstreamDown (ML service down)", ms: r.upstreamDown.timeToNotifyMs, boundMs: r.upstreamDown.boundMs },
      { what: "ExporterDown (ML exporter down)", ms: r.exporterDown.timeToNotifyMs, boundMs: r.exporterDown.boundMs },
    ];
  },
  "bad-reload": async ({ dev }) => {
    const r = await badConfigReload(dev);
    return [
      { what: "PrometheusConfigReloadFailed", ms: r.prometheus.timeToNotifyMs, boundMs: r.prometheus.boundMs },
      { what: "AlertmanagerConfigReloadFailed", ms: r.alertmanager.timeToNotifyMs, boundMs: r.alertmanager.boundMs },
    ];
  },
};

async function main() {
  const argv = process.argv.slice(2);
  let runs = 1;
  const chosen: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--runs") runs = Number(argv[++i]);
    else if (argv[i] in scenarios) chosen.push(argv[i]);
    else throw new Error(`unknown argument ${argv[i]}; usage: faults.ts [--runs N] [${Object.keys(scenarios).join("|")} ...]`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a positive integer");
  const names = chosen.length ? chosen : Object.keys(scenarios);
  stopAllOnSignals();
  const dirs = { dev: renderForFaults("dev"), prod: renderForFaults("prod", PROD_WEBHOOK_ONLY) };
  let failures = 0;
  try {
    for (let run = 1; run <= runs; run++) {
      const started = Date.now();
      const results = await Promise.allSettled(names.map((name) => scenarios[name](dirs)));
      console.log(`run ${run}/${runs} (${s(Date.now() - started)} wall):`);
      results.forEach((result, i) => {
        if (result.status === "rejected") {
          failures++;
          console.log(`  ${names[i]}: FAILED ${result.reason instanceof Error ? result.reason.message : result.reason}`);
          return;
        }
        for (const f of result.value) {
          const ok = f.ms <= f.boundMs;
          if (!ok) failures++;
          console.log(`  ${names[i]}: ${f.what}: time-to-notify ${s(f.ms)} (bound ${s(f.boundMs)}: ${ok ? "PASS" : "FAIL"})${f.extra ? `; ${f.extra}` : ""}`);
        }
      });
    }
  } finally {
    await stopAllProcesses();
    for (const dir of Object.values(dirs)) fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(failures ? 1 : 0);
}

main().catch(async (err) => {
  console.error(err instanceof Error ? err.stack : err);
  await stopAllProcesses();
  process.exit(1);
});
