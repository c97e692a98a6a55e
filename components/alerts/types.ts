// The alert catalog's types: every alert the stack evaluates is one typed entry, and the same entries
// render to Prometheus rule files, promtool tests, Alertmanager inhibition rules, dashboards' threshold
// lines and (later) each cloud's managed-Prometheus rules.

// Severity and AlertDomain are `as const` objects, not bare unions, because components take built alerts as
// args and Pulumi's component analyzer describes only this form of string enum to other languages.

/** How urgently a human must act. `none` is only for the Watchdog heartbeat. */
export const Severity = { critical: "critical", warning: "warning", info: "info", none: "none" } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Which team and route an alert belongs to; also the rule file it is rendered into. */
export const AlertDomain = {
  infrastructure: "infrastructure",
  kubernetes: "kubernetes",
  application: "application",
  ml: "ml",
  stack: "stack",
} as const;
export type AlertDomain = (typeof AlertDomain)[keyof typeof AlertDomain];

/** One input series of a promtool unit test, in promtool's expanding notation (e.g. "0+10x20"). */
export interface AlertTestSeries {
  /** The series selector, e.g. `up{job="node-exporter", instance="node-1:9100"}`. */
  series: string;
  /** Its samples in promtool's expanding notation, e.g. "0+10x20". */
  values: string;
}

/** A scenario that proves an alert's threshold and `for` duration with `promtool test rules`. */
export interface AlertTestCase {
  /** What the case proves, e.g. "fires at 81% after 2m" or "quiet at exactly 80%". */
  description: string;
  /** Sample interval of the input series; defaults to the stack's scrape interval for tests (15s). */
  interval?: string;
  /**
   * How often promtool evaluates the rules for this case; defaults to 15s. Cases with hours of history use a
   * longer one (they go to a test file of their own), since promtool's cost grows with evaluations.
   */
  evaluationInterval?: string;
  /** The input series. */
  series: AlertTestSeries[];
  /** When the alert is evaluated, as a duration from the start of the series. */
  evalTime: string;
  /** Whether the alert is firing at `evalTime`. */
  fires: boolean;
  /** Labels the firing alert must carry beyond name/severity/domain (e.g. instance). */
  expectedLabels?: Record<string, string>;
}

export interface AlertDefinition {
  /** The alert's exact name (e.g. HighCPUUsage). */
  name: string;
  /** Its team and route, and the rule file it is rendered into. */
  domain: AlertDomain;
  /** How urgently a human must act. */
  severity: Severity;
  /**
   * The threshold in the unit of the expression (ratios 0..1, seconds, counts), when the alert has one.
   * Dashboards draw it as a threshold line, so it lives here and nowhere else.
   */
  threshold?: number;
  /** PromQL; built from `threshold` where there is one, so the two cannot drift apart. */
  expr: string;
  /** Prometheus duration the condition must hold before firing ("0s" for immediately). */
  for: string;
  /** One line for the notification's title; may use {{ $labels.<name> }}. */
  summary: string;
  /** What is wrong and what to do first; may use {{ $labels.<name> }}. */
  description: string;
  /** Alerts of this name that this alert inhibits when both share the labels in `inhibitEqual`. */
  inhibits?: string[];
  /** Labels an inhibited alert must share with this one to be inhibited. */
  inhibitEqual?: string[];
  /** promtool cases: at least one that fires and one that stays quiet near the threshold or before `for`. */
  tests: AlertTestCase[];
  /** Extra labels on the alert (user-defined alerts, components/alerts/custom.ts); never severity or domain. */
  labels?: Record<string, string>;
  /** The runbook's address when it is not `<runbookBaseUrl>/<slug>` (user-defined alerts keep their own). */
  runbookUrl?: string;
}

/** An alert as its domain's rules declare it; the catalog adds its promtool cases. */
export type AlertRule = Omit<AlertDefinition, "tests">;

/** A Prometheus recording rule (level:metric:operations naming). */
export interface RecordingRule {
  /** The recorded series' name. */
  record: string;
  /** PromQL. */
  expr: string;
  /** Labels added to every recorded series (an SLO's `slo` label); none by default. */
  labels?: Record<string, string>;
  /** The rule file it goes to: the domain of the alerts that read it. */
  domain: AlertDomain;
}
