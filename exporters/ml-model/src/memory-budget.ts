// The response cap and the memory limit are one fact: the cap is derived from the limit, so no payload
// under the cap can take the process past it. Peak RSS grows linearly with the body (the decoder keeps
// rows, the cross-row checks keep their keys, and V8 grows its heap ahead of the live set); the two
// constants below are the worst case measured over the payload shapes in test/support/worst-case.ts
// (test/memory.test.ts runs the real process at the derived cap and checks its peak RSS against the limit).

const MiB = 1024 * 1024;

// The start command (package.json, Dockerfile) also caps V8's old generation at 96 MB: without it V8
// grows the heap well ahead of the live set (a 7.8 MiB body of small rows peaked at 204 MiB; with it,
// 130 MiB). The decoded rows at the derived cap need ~60 MB of it.

/** Peak RSS of the exporter serving scrapes with nothing fetched yet (measured ~57 MiB on Node 20). */
export const IDLE_RSS_BYTES = 64 * MiB;
/** Worst measured growth of peak RSS per byte of response body (one small row per model: ~12.6). */
export const PEAK_RSS_PER_BODY_BYTE = 14;
/** Part of the limit the estimate may use; the rest absorbs what the measurements did not see. */
export const LIMIT_SHARE = 0.9;
/** The cap when no memory limit is known (and the most a limit ever allows). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * MiB;

/** Estimated peak RSS while handling a body of `bodyBytes`. */
export function peakRssFor(bodyBytes: number): number {
  return IDLE_RSS_BYTES + PEAK_RSS_PER_BODY_BYTE * bodyBytes;
}

/** The largest body whose estimated peak RSS fits `limitBytes` (0 if none does), at most the default. */
export function maxResponseBytesFor(limitBytes: number): number {
  const fit = Math.floor((limitBytes * LIMIT_SHARE - IDLE_RSS_BYTES) / PEAK_RSS_PER_BODY_BYTE);
  return Math.max(0, Math.min(DEFAULT_MAX_RESPONSE_BYTES, fit));
}

/** The container's memory limit from its cgroup, or undefined when unlimited (Node reports ~2^64 then). */
export function containerMemoryLimit(): number | undefined {
  const limit = process.constrainedMemory?.();
  return limit && limit < Number.MAX_SAFE_INTEGER ? limit : undefined;
}
