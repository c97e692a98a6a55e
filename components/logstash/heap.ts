// The JVM heap of Logstash from its container's memory limit. Pure (no Pulumi), so config validation can
// use it too.
import { parseBytes } from "../units";

/** Share of the container's memory limit given to the JVM heap; the rest is metaspace, threads, direct buffers. */
export const LOGSTASH_HEAP_FRACTION = 0.5;
/** Smallest heap Logstash is run with (a smaller one spends its time collecting garbage). */
export const LOGSTASH_MIN_HEAP_MIB = 256;

/** Heap MiB for a container memory limit (1Gi, 1536Mi): half of it, floored to whole MiB; undefined if unparseable. */
export function logstashHeapMiB(memoryLimit: string): number | undefined {
  const bytes = parseBytes(memoryLimit);
  return bytes === undefined ? undefined : Math.floor((bytes * LOGSTASH_HEAP_FRACTION) / 2 ** 20);
}

/**
 * The JVM heap flags for a container memory limit: -Xms = -Xmx = half the limit. The image's jvm.options
 * fixes the heap at 1g whatever the limit (a 1Gi container would be OOM-killed); LS_JAVA_OPTS comes after
 * jvm.options on the java command line, so these flags win.
 */
export function logstashHeapOptions(memoryLimit: string): string {
  const mib = logstashHeapMiB(memoryLimit);
  if (mib === undefined) throw new Error(`Logstash memory limit must be a quantity such as 1Gi or 1536Mi, got ${JSON.stringify(memoryLimit)}`);
  if (mib < LOGSTASH_MIN_HEAP_MIB) throw new Error(`Logstash memory limit ${memoryLimit} is too small: the heap (half of it) must be at least ${LOGSTASH_MIN_HEAP_MIB}Mi`);
  return `-Xms${mib}m -Xmx${mib}m`;
}
