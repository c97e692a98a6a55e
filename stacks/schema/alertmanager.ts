// `alertmanager`: the gossip cluster and its notification timing.
import { z } from "zod";
import { ALERTMANAGER_PEER_TIMEOUT_SECONDS } from "../../components/alertmanager/contract";
import { parseDuration } from "../../components/units";
import { count, DNS_LABEL, duration, httpUrl, listOf, repeats, resourcesSchema, slackChannel, storageSize, withCrossChecks } from "./primitives";

/**
 * An Alertmanager matcher: a label name, an operator and a value, quoted ("...", Go escapes) or plain. Regex
 * values must be RE2, which JavaScript cannot check exactly: lookarounds and backreferences (JavaScript only)
 * are refused, and test/tools/team-routes.test.ts holds this verdict against amtool's on valid and invalid matchers.
 */
const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"{},=~!]*))\s*$/s;
const NOT_RE2 = /\(\?<?[=!]|\\[1-9]|\\k</;

/** Why a matcher is not one Alertmanager accepts, or undefined. */
export function matcherProblem(matcher: string): string | undefined {
  const match = MATCHER.exec(matcher);
  if (!match) return 'must be an Alertmanager matcher: label, one of = != =~ !~, and a value, e.g. team="payments"';
  const [, , op, quoted, plain] = match;
  let value = plain ?? "";
  if (quoted !== undefined) {
    try {
      value = JSON.parse(`"${quoted}"`) as string;
    } catch {
      return "has an invalid escape in its quoted value";
    }
  }
  if (op === "=~" || op === "!~") {
    if (NOT_RE2.test(value)) return "uses a lookaround or backreference, which Alertmanager's regular expressions (RE2) do not have";
    try {
      new RegExp(value);
    } catch {
      return "has an invalid regular expression";
    }
  }
  return undefined;
}

/** The name of a secret config key a team route reads (also its file name in Alertmanager's secrets). */
const secretKey = z.string().regex(/^[a-z][A-Za-z0-9]{0,62}$/, "must be a config key name such as paymentsSlackWebhookUrl (letters and digits, starting lowercase)");

const teamRouteSchema = z.strictObject({
  name: z.string().regex(DNS_LABEL, "must be a lowercase DNS label, e.g. payments").max(40, "must be at most 40 characters").describe("The team; its receivers are route-<name> and route-<name>-pager."),
  matchers: listOf(z.string().superRefine((m, ctx) => {
    const problem = matcherProblem(m);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }), 10, "matchers").min(1, 'must list at least one matcher, e.g. team="payments"').describe('Alertmanager matchers the alert must all satisfy, e.g. team="payments".'),
  receiver: withCrossChecks(z.strictObject({
    slack: z.strictObject({
      channel: slackChannel,
      webhookUrlSecret: secretKey.describe("Config key of the secret with the Slack incoming webhook URL (pulumi config set --secret)."),
    }).optional(),
    pagerduty: z.strictObject({
      routingKeySecret: secretKey.describe("Config key of the secret with the PagerDuty Events API v2 routing key."),
    }).optional().describe("Pages only for the team's critical alerts."),
    webhook: z.strictObject({
      urlSecret: secretKey.describe("Config key of the secret with the webhook URL."),
    }).optional(),
    email: z.strictObject({
      to: listOf(z.email("must be an email address"), 10, "addresses").min(1, "must list at least one address, e.g. payments-oncall@novacron.example")
        .describe("Addresses that get the team's alerts (one email to all of them)."),
    }).optional().describe("Email through the stack's SMTP server: notifications.email's smarthost, from and username, and the smtpPassword secret (the on-call email channel itself may be off)."),
  }), {
    reads: [],
    check: (receiver, report) => {
      if (!receiver.slack && !receiver.pagerduty && !receiver.webhook && !receiver.email) report([], "must have at least one of slack, pagerduty, webhook, email");
    },
  }).describe("Where the team's alerts go."),
  continue: z.boolean().optional().describe("true: the alerts also reach their domain's team route; default false (this team alone)."),
  groupBy: listOf(z.string().regex(/^([a-zA-Z_][a-zA-Z0-9_]*|\.\.\.)$/, "must be a label name, or ... (group by every label)"), 20, "labels").optional()
    .describe("Labels that group the team's alerts into one notification; default alertmanager's groupBy."),
});

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
    teamRoutes: listOf(teamRouteSchema, 50, "team routes")
      // Every repeated name, even while other fields of the routes are wrong: one run reports every problem.
      .superRefine((routes, ctx) => {
        const names = routes.map((route) => (typeof route?.name === "string" ? route.name : undefined));
        for (const i of repeats(names)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `repeats ${names[i]}` });
      }, { when: (payload) => Array.isArray(payload.value) })
      .optional()
      .describe("Extra routes per team, tried in order before the domain routes (docs/alerts.md); each credential is a secret config key the route names."),
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
