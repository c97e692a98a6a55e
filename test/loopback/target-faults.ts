// Fault scenarios in what the stack watches: a blackbox probe target down, an ML service and an ML
// exporter down. What every scenario shares, the timing overrides included, is in faults.ts.
import * as http from "http";
import * as net from "net";
import { parse } from "yaml";
import { FakeMlService } from "../../exporters/ml-model/test/support/fake-ml-service";
import { fixtureSnapshot } from "../../exporters/ml-model/test/support/fixtures";
import { renderedContainer } from "./config";
import { alertsNamed, alertTimings, carries, readRendered, SLACK_MS, Timed, withStack } from "./faults";
import { freePorts, LOOPBACK, now, pollUntil, sleep, stopProcess } from "./processes";
import { ML_EXPORTER_JOB, promQuery } from "./stack";
import { ReceivedNotification, WebhookAlert } from "./webhook-receiver";

// ---------------------------------------------------------------------------------------------------
// A blackbox probe target goes down

export interface ProbeDownRun extends Timed {
  probedUrl: string;
  renderedTarget: string;
  alert: WebhookAlert;
}

/** A local HTTP server answering 200, standing in for a probed endpoint; close() takes it down. */
async function startStandIn(): Promise<{ url: string; close(): Promise<void> }> {
  const [port] = await freePorts(1);
  const server = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("ok\n"));
  await new Promise<void>((resolve, reject) => { server.once("error", reject); server.listen(port, LOOPBACK, () => resolve()); });
  return {
    url: `http://${LOOPBACK}:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/**
 * The rendered http_2xx probe (the NovaCron API's health endpoint) probes a local stand-in; the stand-in
 * goes down and EndpointProbeFailed must be notified.
 */
export async function probeTargetDown(renderedDir: string): Promise<ProbeDownRun> {
  const t = alertTimings(renderedDir, "EndpointProbeFailed");
  const httpJob = (parse(readRendered(renderedDir, "prometheus", "prometheus.yml")).scrape_configs as any[]).find((j) => j.params?.module?.[0] === "http_2xx");
  if (!httpJob) throw new Error("the rendered stack has no http_2xx probe");
  const renderedTarget: string = httpJob.static_configs[0].targets[0];
  const standIn = await startStandIn();
  const probedUrl = `${standIn.url}${new URL(renderedTarget).pathname}`;
  try {
    return await withStack(renderedDir, { nodeExporter: false, probeTargets: { [renderedTarget]: probedUrl } }, async (stack) => {
      await pollUntil(async () => ((await promQuery(stack, `probe_success{job="${httpJob.job_name}"}`)).some((s) => s.metric.instance === probedUrl && s.value === 1) ? true : undefined),
        { timeoutMs: 2 * t.scrapeMs + SLACK_MS, describe: () => `probe_success of ${probedUrl} is not 1` });
      const downAt = now();
      await standIn.close();
      const firing = await stack.receiver.waitFor(carries("EndpointProbeFailed", "firing", { instance: probedUrl }), { timeoutMs: t.bound + SLACK_MS, what: "EndpointProbeFailed" });
      return {
        probedUrl, renderedTarget,
        alert: firing.payload.alerts.find((a) => a.labels.alertname === "EndpointProbeFailed")!,
        timeToNotifyMs: firing.receivedAt - downAt,
        boundMs: t.bound,
        notifications: [...stack.receiver.notifications],
      };
    });
  } finally {
    await standIn.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// The ML service goes down (exporter up, upstream gone), and an ML exporter goes down itself

export interface MlDownRun {
  /** Instance whose ML service stopped, and instance whose exporter stopped. */
  upstreamDownInstance: string;
  exporterDownInstance: string;
  upstreamDown: Timed & { alerts: WebhookAlert[] };
  exporterDown: Timed & { alerts: WebhookAlert[] };
  notifications: ReceivedNotification[];
}

/**
 * Two ML model exporters (exporters/ml-model, with the rendered environment) each read a fake ML service.
 * The first one's ML service stops (MLExporterUpstreamDown), the second exporter itself stops
 * (ExporterDown); each alert must name its instance and only that one.
 */
export async function mlExporterDown(renderedDir: string): Promise<MlDownRun> {
  const upstreamT = alertTimings(renderedDir, "MLExporterUpstreamDown");
  const exporterT = alertTimings(renderedDir, "ExporterDown");
  const services = await Promise.all([new FakeMlService().start(), new FakeMlService().start()]);
  for (const s of services) s.behaviour = { kind: "json", body: fixtureSnapshot() };
  try {
    return await withStack(renderedDir, { nodeExporter: false, blackboxExporter: false, mlExporterEndpoints: services.map((s) => s.url) }, async (stack) => {
      const instances = stack.targets[ML_EXPORTER_JOB] as string[];
      await pollUntil(async () => {
        const up = await promQuery(stack, `up{job="${ML_EXPORTER_JOB}"} == 1`);
        const mlUp = await promQuery(stack, `ml_exporter_up{job="${ML_EXPORTER_JOB}"} == 1`);
        return up.length === 2 && mlUp.length === 2 ? true : undefined;
      }, { timeoutMs: 2 * upstreamT.scrapeMs + SLACK_MS, describe: () => "the ML exporters are not both scraped with their ML service up" });

      // The exporter serves its cached ML data up to its SCRAPE_INTERVAL (rendered env) before it notices.
      const cacheMs = 1000 * Number(renderedContainer(readRendered(renderedDir, "kubernetes", "ml-model-exporter.yaml"), "ml-model-exporter").env.SCRAPE_INTERVAL ?? 0);
      const downAt = now();
      await services[0].stop();
      await stopProcess(stack.mlExporters[1]);
      const [upstream, exporter] = await Promise.all([
        stack.receiver.waitFor(carries("MLExporterUpstreamDown", "firing"), { timeoutMs: upstreamT.bound + cacheMs + SLACK_MS, what: "MLExporterUpstreamDown" }),
        stack.receiver.waitFor(carries("ExporterDown", "firing", { job: ML_EXPORTER_JOB }), { timeoutMs: exporterT.bound + SLACK_MS, what: "ExporterDown for the ML exporter" }),
      ]);
      await sleep(exporterT.groupIntervalMs); // room for a wrong second instance to join either group
      const notifications = [...stack.receiver.notifications];
      return {
        upstreamDownInstance: instances[0],
        exporterDownInstance: instances[1],
        upstreamDown: { timeToNotifyMs: upstream.receivedAt - downAt, boundMs: upstreamT.bound + cacheMs, notifications, alerts: alertsNamed(notifications, "MLExporterUpstreamDown") },
        exporterDown: { timeToNotifyMs: exporter.receivedAt - downAt, boundMs: exporterT.bound, notifications, alerts: alertsNamed(notifications, "ExporterDown") },
        notifications,
      };
    });
  } finally {
    await services[0].stop().catch(() => undefined);
    await services[1].stop();
  }
}
