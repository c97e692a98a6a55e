// Timings read out of the rendered configuration, for the bound on how soon a notification must arrive:
// Prometheus/Alertmanager durations, an alert's rule, a job's scrape interval and the route an alert takes.
import { parse } from "yaml";
import { durationSeconds } from "../../components/units";

type Yaml = Record<string, any>;

/** A Prometheus / Alertmanager duration ("30s", "1m30s", "0s") in milliseconds. */
export function durationMs(text: string): number {
  return Math.round(durationSeconds(String(text)) * 1000);
}

/** The alerting rule named `name` in any of the rule files. */
export function findAlertRule(ruleFiles: string[], name: string): Yaml {
  for (const text of ruleFiles) {
    for (const group of (parse(text) as Yaml).groups ?? []) {
      const rule = (group.rules as Yaml[]).find((r) => r.alert === name);
      if (rule) return rule;
    }
  }
  throw new Error(`no alerting rule ${name}`);
}

/** The scrape interval of a job in prometheus.yml (its own or the global one), in ms. */
export function scrapeIntervalMs(prometheusYaml: string, jobName: string): number {
  const config = parse(prometheusYaml) as Yaml;
  const job = (config.scrape_configs as Yaml[]).find((j) => j.job_name === jobName);
  if (!job) throw new Error(`no scrape job ${jobName}`);
  return durationMs(job.scrape_interval ?? config.global?.scrape_interval ?? "1m");
}

export interface EffectiveRoute {
  receiver: string;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

/**
 * The route an alert with `labels` takes through alertmanager.yml, with inherited settings applied, as
 * Alertmanager resolves it: depth first, the first matching child wins (the first match is all we need;
 * `continue` only adds further ones). Alertmanager's defaults fill what the tree leaves unset.
 */
export function effectiveRoute(alertmanagerYaml: string, labels: Record<string, string>): EffectiveRoute {
  const defaults = { receiver: "", group_wait: "30s", group_interval: "5m", repeat_interval: "4h" };
  const walk = (route: Yaml, inherited: Record<string, string>): Record<string, string> => {
    const settings = { ...inherited };
    for (const key of Object.keys(defaults)) if (route[key] !== undefined) settings[key] = route[key];
    const child = ((route.routes ?? []) as Yaml[]).find((r) => routeMatches(r, labels));
    return child ? walk(child, settings) : settings;
  };
  const s = walk((parse(alertmanagerYaml) as Yaml).route, defaults);
  return { receiver: s.receiver, groupWaitMs: durationMs(s.group_wait), groupIntervalMs: durationMs(s.group_interval), repeatIntervalMs: durationMs(s.repeat_interval) };
}

function routeMatches(route: Yaml, labels: Record<string, string>): boolean {
  if (route.match || route.match_re) throw new Error("legacy match/match_re routes are not supported here; use matchers");
  return ((route.matchers ?? []) as string[]).every((matcher) => {
    const m = /^\s*([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/.exec(matcher);
    if (!m) throw new Error(`cannot parse matcher ${matcher}`);
    const [, name, op, raw] = m;
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    const actual = labels[name] ?? "";
    switch (op) {
      case "=": return actual === value;
      case "!=": return actual !== value;
      case "=~": return new RegExp(`^(?:${value})$`).test(actual);
      default: return !new RegExp(`^(?:${value})$`).test(actual);
    }
  });
}
