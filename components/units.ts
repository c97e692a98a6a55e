// Units shared by the stack schema and the components: Prometheus durations and sizes, Kubernetes storage
// quantities. Pure; no Pulumi and no zod, so any component can use them.

/** Prometheus duration, e.g. 30s, 5m, 1h30m, 30d (the format Prometheus' own config accepts). */
export const PROMETHEUS_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
/** Prometheus byte size for --storage.tsdb.retention.size (base-2 units, as Prometheus reads them). */
export const PROMETHEUS_BYTES = /^(\d+)(B|KB|MB|GB|TB|PB)$/;
/** Kubernetes storage quantity in binary units (the only ones that make sense for volumes). */
export const STORAGE_QUANTITY = /^(\d+)(Mi|Gi|Ti)$/;

const secondsPerUnit: Record<string, number> = { y: 365 * 86400, w: 7 * 86400, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };

/** Seconds in a Prometheus duration string; undefined when it is not one. */
export function parseDuration(value: string): number | undefined {
  const match = PROMETHEUS_DURATION.exec(value);
  if (!match || value === "") return undefined;
  const units = ["y", "w", "d", "h", "m", "s", "ms"];
  return units.reduce((total, unit, i) => total + Number(match[i + 1] ?? 0) * secondsPerUnit[unit], 0);
}

/**
 * Seconds in a duration our own code wrote (an alert's `for`, a rule's window): a malformed one is a bug,
 * not input, so it throws rather than returning undefined.
 */
export function durationSeconds(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) throw new Error(`unsupported duration "${value}": not a Prometheus duration such as 30s, 2m or 1h30m`);
  return seconds;
}

/** A whole number of seconds as the shortest Prometheus duration of h/m/s parts: 135 → "2m15s", 0 → "0s". */
export function formatDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`not a whole, non-negative number of seconds: ${seconds}`);
  if (seconds === 0) return "0s";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}`;
}

const byteUnits: Record<string, number> = { B: 1, KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40, PB: 2 ** 50, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** Bytes in a Prometheus size (50GB) or a Kubernetes binary quantity (100Gi). */
export function parseBytes(value: string): number | undefined {
  const match = PROMETHEUS_BYTES.exec(value) ?? STORAGE_QUANTITY.exec(value);
  return match ? Number(match[1]) * byteUnits[match[2]] : undefined;
}
