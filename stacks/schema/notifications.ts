// `notifications`: which channels Alertmanager (and the clouds) notify. Credentials are secrets, checked in
// stacks/config.ts: the spec never holds them.
import { z } from "zod";
import { AlertDomain } from "../../components/alerts/types";
import { enabled, hostPort, slackChannel } from "./primitives";

export const notificationsSchema = z.strictObject({
  slack: z.strictObject({
    enabled: z.boolean(),
    channel: slackChannel,
    domainChannels: z.strictObject(
      Object.fromEntries(Object.values(AlertDomain).map((domain) => [domain, slackChannel.optional()])) as Record<AlertDomain, z.ZodOptional<typeof slackChannel>>,
    ).optional().describe("Per-domain Slack channels; a domain without one uses `channel`."),
  }),
  email: z.strictObject({
    enabled: z.boolean(),
    to: z.email("must be an email address"),
    from: z.email("must be an email address"),
    smarthost: hostPort("smtp.gmail.com:587"),
    // Written into alertmanager.yml as the SMTP user: one line of printable text.
    username: z.string().min(1, "must not be empty").regex(/^[^\p{Cc}]+$/u, "must be one line of printable text"),
    requireTls: z.boolean(),
  }),
  teams: enabled,
  pagerduty: enabled,
  webhook: enabled,
  heartbeat: z.strictObject({
    enabled: z.boolean().describe("Dead man's switch: the always-firing Watchdog goes to the heartbeatUrl secret (e.g. healthchecks.io)."),
  }),
});
