// A minimal writer for Prometheus' text exposition format (0.0.4), used for the ml_* families, which
// are rendered once per snapshot. prom-client renders the exporter's own metrics; for the ML families
// its per-series objects cost ~3× the time and far more memory than writing the lines directly
// (at 1,000 models × 5 datasets: see README.md, "Why the ML families bypass prom-client").
// No timestamps are written: Prometheus stamps samples with the scrape time.

export type MetricType = "gauge" | "counter" | "histogram";

/** Escapes a label value: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return /["\\\n]/.test(value) ? value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n") : value;
}

/** Escapes HELP text: backslash and line feed. */
function escapeHelp(help: string): string {
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

export function formatValue(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value); // NaN prints as "NaN", as the format wants
}

/** `name="value",…` for a fixed label order; callers compose these to avoid re-escaping shared labels. */
export function labelPairs(labels: Record<string, string>): string {
  let out = "";
  for (const name in labels) out += `${out ? "," : ""}${name}="${escapeLabelValue(labels[name])}"`;
  return out;
}

/**
 * Accumulates the exposition in 64 KiB Buffer chunks rather than one string per line, which keeps the
 * transient memory of rendering tens of thousands of series to about the size of the output.
 */
export class ExpositionWriter {
  private static readonly CHUNK = 64 * 1024;
  private readonly chunks: Buffer[] = [];
  private pending = "";
  private samples = 0;

  /** Starts a family; its samples must follow before the next family starts. */
  family(name: string, type: MetricType, help: string): this {
    return this.line(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}`);
  }

  /** One sample; `labels` is the output of labelPairs (or a concatenation of them). */
  sample(name: string, labels: string, value: number): this {
    this.samples++;
    return this.line(labels ? `${name}{${labels}} ${formatValue(value)}` : `${name} ${formatValue(value)}`);
  }

  get sampleCount(): number {
    return this.samples;
  }

  toBuffer(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks);
  }

  private line(text: string): this {
    this.pending += text + "\n";
    if (this.pending.length >= ExpositionWriter.CHUNK) this.flush();
    return this;
  }

  private flush(): void {
    if (this.pending) this.chunks.push(Buffer.from(this.pending));
    this.pending = "";
  }
}
