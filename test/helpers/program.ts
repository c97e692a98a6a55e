// Runs the Pulumi program entry (index.ts) under Pulumi's mocks, exactly as `pulumi up` would run it: the
// stack's config is handed over by the engine (setAllConfig, with the keys Pulumi holds as secrets), then
// index.ts is loaded. Returns what it registered with the mock monitor, its stack exports, every line it
// logged, and the error it failed with, if any.
import * as pulumi from "@pulumi/pulumi";
import { ResourceRecorder, RenderedResource } from "../../scripts/mock-resources";

export interface ProgramRun {
  /** Every resource registered with the mock monitor (components included). */
  resources: RenderedResource[];
  /** index.ts's module exports (the stack outputs), when it loaded. */
  exports?: Record<string, unknown>;
  /** What loading index.ts threw. */
  error?: unknown;
  /** Everything written to the console or stdout/stderr while the program ran. */
  logs: string[];
}

const outputsOf = (exports: Record<string, unknown>) => Object.values(exports).filter((v) => pulumi.Output.isInstance(v)) as pulumi.Output<unknown>[];

/**
 * Loads index.ts in a fresh module registry (so it runs again, as a new `pulumi up` would) with `config`
 * (full keys, e.g. `novacron:environment`; objects as JSON) and `secretKeys` held as secrets.
 */
export async function runProgram(config: Record<string, string>, secretKeys: string[] = [], stack = "test"): Promise<ProgramRun> {
  const recorder = new ResourceRecorder();
  await recorder.install(stack);
  pulumi.runtime.setAllConfig(config, secretKeys);

  // Each fresh load of @pulumi/pulumi adds its process `exit` listeners; many runs in one test file are expected.
  process.setMaxListeners(Math.max(process.getMaxListeners(), 200));
  const logs: string[] = [];
  const restore = captureLogs(logs);
  const run: ProgramRun = { resources: recorder.resources, logs };
  try {
    jest.isolateModules(() => {
      try {
        run.exports = require("../../index");
      } catch (err) {
        run.error = err;
      }
    });
    if (run.exports) {
      // Wait for every export's value: the whole program has then run.
      await new Promise<void>((resolve) => pulumi.all(outputsOf(run.exports!)).apply(() => resolve()));
    }
    await recorder.settle();
  } finally {
    restore();
  }
  return run;
}

/** Collects console output and raw stdout/stderr writes into `sink` until the returned function is called. */
export function captureLogs(sink: string[]): () => void {
  const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) console[m] = (...args: unknown[]) => void sink.push(args.map((a) => (typeof a === "string" ? a : safeStringify(a))).join(" "));
  const writes = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      sink.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      return original(chunk as string, ...(rest as []));
    }) as typeof stream.write;
    return () => { stream.write = original; };
  });
  return () => {
    methods.forEach((m, i) => (console[m] = saved[i]));
    writes.forEach((undo) => undo());
  };
}

function safeStringify(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ""}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
