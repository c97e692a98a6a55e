// `alertmanager`: the gossip cluster and its notification timing.
import { z } from "zod";
import { ALERTMANAGER_PEER_TIMEOUT_SECONDS } from "../../components/alertmanager/contract";
import { parseDuration } from "../../components/units";
import { count, duration, httpUrl, resourcesSchema, storageSize, withCrossChecks } from "./primitives";

export const alertmanagerSchema = withCrossChecks(
  z.strictObject({
    replicas: count(7).describe("More than one forms a gossip cluster (prod needs at least 3)."),
    storageSize: storageSize.describe("Volume per replica for silences and the notification log."),
    resources: resourcesSchema,
    groupWait: duration("groupWait", "0s", "10m").describe("Prometheus duration: wait before a new group's first notification."),
    criticalGroupWait: duration("criticalGroupWait", "0s", "10m").describe("Prometheus duration: the same, for critical alerts."),
    groupInterval: duration("groupInterval", "10s", "1h").describe("Prometheus duration: wait before notifying about new alerts in a notified group."),
    repeatInterval: duration("repeatInterval", "1m", "7d").describe("Prometheus duration: re-send a still-firing notification after this."),
    resolveTimeout: duration("resolveTimeout", "1m", "1h").describe("Prometheus duration: an alert without updates resolves after this."),
    externalUrl: httpUrl.optional().describe("The URL people reach Alertmanager at; notifications link to it."),
  }),
  {
    // Peers notify one after the other, each waiting 15 s (--cluster.peer-timeout) × its position. A peer still
    // waiting on the previous group_interval's view when the first peer sends a change (e.g. a resolve)
    // repeats the old state: a duplicate notification (seen in test/e2e/faults.test.ts with a 10 s interval).
    reads: ["groupInterval"],
    check: (am, report) => {
      if (!Number.isInteger(am.replicas)) return;
      const longestPeerWait = (am.replicas - 1) * ALERTMANAGER_PEER_TIMEOUT_SECONDS;
      if (longestPeerWait > 0 && parseDuration(am.groupInterval)! <= longestPeerWait) {
        report(["groupInterval"], `(${am.groupInterval}) must be longer than ${longestPeerWait}s with ${am.replicas} replicas: the last peer waits ${longestPeerWait}s before notifying, and a shorter interval makes it send duplicates`);
      }
    },
  },
);
