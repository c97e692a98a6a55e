// A local webhook endpoint standing in for a notification channel: Alertmanager's webhook payloads,
// recorded on arrival (on the `now()` clock) and answered with a status the test sets, to simulate an
// outage. It listens on 127.0.0.1 only.
import { EventEmitter } from "events";
import * as http from "http";
import * as net from "net";
import { LOOPBACK, now } from "./processes";

/** Alertmanager's webhook payload (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). */
export interface WebhookAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
}

export interface WebhookPayload {
  version: string;
  groupKey: string;
  status: "firing" | "resolved";
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  alerts: WebhookAlert[];
}

export interface ReceivedNotification {
  /** Arrival time on the `now()` clock. */
  receivedAt: number;
  path: string;
  payload: WebhookPayload;
}

export interface WebhookReceiver {
  url: string;
  /** Every notification accepted (answered 200) so far, in arrival order. */
  notifications: ReceivedNotification[];
  /** Every notification refused with the status set by `respondWith`, in arrival order. */
  rejected: ReceivedNotification[];
  /** From now on answer every notification with `status` (a 5xx simulates an outage; 200 recovers). */
  respondWith(status: number): void;
  /** The first notification (already received or yet to come) satisfying `predicate`. */
  waitFor(predicate: (n: ReceivedNotification) => boolean, options: { timeoutMs: number; what: string }): Promise<ReceivedNotification>;
  close(): Promise<void>;
}

/** A webhook endpoint on 127.0.0.1:<free port> that records every JSON body POSTed to it. */
export async function startWebhookReceiver(path = "/alerts"): Promise<WebhookReceiver> {
  const notifications: ReceivedNotification[] = [];
  const rejected: ReceivedNotification[] = [];
  let status = 200;
  const events = new EventEmitter();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const receivedAt = now();
      try {
        const notification = { receivedAt, path: req.url ?? "", payload: JSON.parse(Buffer.concat(chunks).toString("utf8")) as WebhookPayload };
        if (status !== 200) {
          rejected.push(notification);
          res.writeHead(status).end();
          return;
        }
        notifications.push(notification);
        events.emit("notification", notification);
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  const waitFor: WebhookReceiver["waitFor"] = (predicate, { timeoutMs, what }) => {
    const found = notifications.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const listener = (n: ReceivedNotification) => {
        if (!predicate(n)) return;
        cleanup();
        resolve(n);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${notifications.length} notification(s): ${summarise(notifications)}`));
      }, timeoutMs);
      const cleanup = () => { clearTimeout(timer); events.off("notification", listener); };
      events.on("notification", listener);
    });
  };

  return {
    url: `http://${LOOPBACK}:${port}${path}`,
    notifications,
    rejected,
    respondWith: (code: number) => { status = code; },
    waitFor,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** One line per notification: status, receiver and each alert's name and status. */
export function summarise(notifications: ReceivedNotification[]): string {
  if (notifications.length === 0) return "(none)";
  return notifications
    .map((n) => `[${n.payload.status} → ${n.payload.receiver}: ${n.payload.alerts.map((a) => `${a.labels.alertname}(${a.status})`).join(", ")}]`)
    .join(" ");
}
