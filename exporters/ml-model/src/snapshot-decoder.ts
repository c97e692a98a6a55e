// Decodes and validates a snapshot body in memory proportional to what the exporter keeps, not to the
// JSON tree: rows are read one at a time (unknown fields skipped, never built), each checked against its
// table's zod schema, and a drift row's features are scored one by one and kept only as the largest
// distance. The result is what MonitoringSnapshot.safeParse accepts, with drift already scored
// (test/snapshot-decoder.test.ts checks that both accept and reject the same bodies).
import { z } from "zod";
import {
  crossRowIssues,
  DriftDistributions,
  DriftScore,
  FeatureDistributions,
  type Issue,
  MAX_HISTOGRAM_BINS,
  MonitoringSnapshotShape,
  type MonitoringSnapshot,
  TABLES,
  type TableName,
} from "./contract";
import { type DriftMethod, jensenShannonDistance } from "./drift";
import { JsonReader } from "./json-reader";

/** A drift row with its score, reported by the service or computed here from its features. */
export interface ScoredDrift {
  model_name: string;
  dataset: string;
  score: number;
  method: DriftMethod;
}

export type ScoredSnapshot = Omit<MonitoringSnapshot, "drift"> & { drift: ScoredDrift[] };

/** The body breaks the contract. Keeps the first few issues (enough to find the field) and a count. */
export class SnapshotSchemaError extends Error {
  constructor(
    readonly issues: Issue[],
    readonly total: number,
  ) {
    const shown = issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    super(shown.join("; ") + (total > issues.length ? `; and ${total - issues.length} more` : ""));
    this.name = "SnapshotSchemaError";
  }
}

const ISSUES_KEPT = 5;

/** Which keys of a value the schema reads; everything else is skipped unread. */
type Layout = { keys?: Map<string, Layout>; items?: Layout };

function layoutOf(schema: z.ZodType): Layout {
  if (schema instanceof z.ZodObject) {
    return { keys: new Map(Object.entries(schema.shape as Record<string, z.ZodType>).map(([k, v]) => [k, layoutOf(v)])) };
  }
  if (schema instanceof z.ZodArray) return { items: layoutOf(schema.element as z.ZodType) };
  if (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional) return layoutOf(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodUnion) {
    const merged: Layout = {};
    for (const option of schema.options as z.ZodType[]) {
      const l = layoutOf(option);
      if (l.items) merged.items = l.items;
      if (l.keys) for (const [k, v] of l.keys) if (!merged.keys?.get(k)?.keys && !merged.keys?.get(k)?.items) (merged.keys ??= new Map()).set(k, v);
    }
    return merged;
  }
  return {};
}

const ROW_LAYOUTS = Object.fromEntries(Object.entries(TABLES).map(([t, schema]) => [t, layoutOf(schema)])) as Record<TableName, Layout>;
const FEATURE_LAYOUT = layoutOf(FeatureDistributions);
// Stands in for features already validated one by one, so the row's own fields are checked by the
// row's schema (the features' issues were reported with their own paths).
const VALIDATED_FEATURE: z.infer<typeof FeatureDistributions> = { name: "validated", reference: [1], production: [1] };

/** Decodes a snapshot body; throws JsonSyntaxError (not JSON) or SnapshotSchemaError (not the contract). */
export function decodeSnapshot(body: Buffer): ScoredSnapshot {
  return new Decoder(body).decode();
}

class Decoder {
  private readonly reader: JsonReader;
  private readonly issues: Issue[] = [];
  private issueCount = 0;

  constructor(body: Buffer) {
    this.reader = new JsonReader(body);
  }

  decode(): ScoredSnapshot {
    const r = this.reader;
    const top: Record<string, unknown> = {};
    const tables = {} as Record<TableName, unknown[]>;
    if (r.peek() !== "object") {
      this.check(MonitoringSnapshotShape, this.read({}), []);
    } else {
      r.object((key) => {
        if (Object.hasOwn(TABLES, key) && r.peek() === "array") {
          const table = key as TableName;
          const rows: unknown[] = [];
          r.array((i) => {
            const row = table === "drift" ? this.driftRow(i) : this.check(TABLES[table], this.read(ROW_LAYOUTS[table]), [table, i]);
            if (row !== undefined) rows.push(row);
          });
          tables[table] = rows;
          top[key] = []; // the rows were checked one by one
        } else if (MonitoringSnapshotShape.shape[key as keyof typeof MonitoringSnapshotShape.shape]) {
          top[key] = this.read({});
        } else {
          r.skip();
        }
      });
      this.check(MonitoringSnapshotShape, top, []);
    }
    r.end();
    if (this.issueCount === 0) {
      for (const issue of crossRowIssues(tables as unknown as ScoredSnapshot)) this.report(issue);
    }
    if (this.issueCount > 0) throw new SnapshotSchemaError(this.issues, this.issueCount);
    return { ...(top as Pick<MonitoringSnapshot, "schema_version" | "generated_at">), ...(tables as unknown as Omit<ScoredSnapshot, "schema_version" | "generated_at">) };
  }

  /** A drift row, its features scored one at a time so only the largest distance is kept. */
  private driftRow(index: number): ScoredDrift | undefined {
    const r = this.reader;
    const path = ["drift", index];
    if (r.peek() !== "object" || !this.hasFeatures()) {
      // Without features a row can only be a reported score: checking that option alone gives the clearer issue.
      const row = this.check(DriftScore, this.read(ROW_LAYOUTS.drift), path);
      return row && { model_name: row.model_name, dataset: row.dataset, score: row.score!, method: "reported" };
    }
    const fields: Record<string, unknown> = {};
    let validFeatures = 0;
    let score = 0;
    r.object((key) => {
      if (key === "features" && r.peek() === "array") {
        fields.features = [];
        r.array((j) => {
          const feature = this.check(FeatureDistributions, this.read(FEATURE_LAYOUT), [...path, "features", j]);
          if (!feature) return;
          validFeatures++;
          score = Math.max(score, jensenShannonDistance(feature.reference, feature.production));
        });
      } else if (ROW_LAYOUTS.drift.keys!.has(key)) {
        fields[key] = this.read(ROW_LAYOUTS.drift.keys!.get(key)!);
      } else {
        r.skip();
      }
    });
    if (Array.isArray(fields.features) && validFeatures > 0) fields.features = [VALIDATED_FEATURE];
    const row = this.check(DriftDistributions, fields, path);
    return row && { model_name: row.model_name, dataset: row.dataset, score, method: "jensen_shannon_distance" };
  }

  /** Whether the object ahead has a "features" key, found by scanning it (without building it). */
  private hasFeatures(): boolean {
    const probe = this.reader.fork();
    let found = false;
    probe.object((key) => {
      if (key === "features") found = true;
      probe.skip();
    });
    return found;
  }

  /** Reads the value ahead keeping what `layout` names: an object's known keys, an array's items. */
  private read(layout: Layout): unknown {
    const r = this.reader;
    const kind = r.peek();
    if (kind === "object") {
      if (!layout.keys) {
        r.skip();
        return {}; // the schema wanted no object here: its type is enough for the issue
      }
      const out: Record<string, unknown> = {};
      r.object((key) => {
        const child = layout.keys!.get(key);
        if (child) out[key] = this.read(child);
        else r.skip();
      });
      return out;
    }
    if (kind === "array") {
      const out: unknown[] = [];
      if (!layout.items) {
        r.skip();
        return out;
      }
      // Keeping one item past the bound is enough for the schema to refuse the array as too long.
      r.array((i) => (i <= MAX_HISTOGRAM_BINS ? out.push(this.read(layout.items!)) : r.skip()));
      return out;
    }
    return r.value();
  }

  private check<S extends z.ZodType>(schema: S, value: unknown, path: (string | number)[]): z.infer<S> | undefined {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) this.report({ path: [...path, ...(issue.path as (string | number)[])], message: issue.message });
    return undefined;
  }

  private report(issue: Issue): void {
    if (this.issueCount++ < ISSUES_KEPT) this.issues.push(issue);
  }
}
