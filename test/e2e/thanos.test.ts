// Thanos' proof on loopback (issue 13): the real thanos, prometheus and node_exporter binaries on 127.0.0.1, a
// FILESYSTEM bucket in a temp dir, 1-minute blocks. Two Prometheus replicas (external labels cluster + replica)
// with sidecars scrape the same node_exporter:
//   1. Query returns one series per scraped series, deduplicated on the replica label;
//   2. stopping the replica Query is reading from leaves no gap in the deduplicated series, while it is down
//      and once it is back with a hole in its own series;
//   3. the blocks the sidecars upload stay readable through the Store Gateway once Prometheus and its data
//      directory are gone (the restore path): the same samples as Prometheus served;
//   4. the compactor applies the configured raw retention: a block older than it is marked and then deleted,
//      newer ones stay (and with retention 0d, "forever", the same block stays: the retention is what deletes it).
// The tests run in order and share the processes; each process is stopped by its PID.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { nodeExporterContract } from "../../components/node-exporter/contract";
import { thanosContract } from "../../components/thanos/contract";
import { toolPath } from "../helpers/tools";
import { makeTempDir, pollUntil, stopAllProcesses } from "../loopback/processes";
import { BucketBlock, instantQuery, largestGap, pollQuery, PrometheusReplica, Series, startThanosLoopback, ThanosLoopback, ThanosRole, thanosPath } from "../loopback/thanos";

const MINUTE = 60_000;
const job = nodeExporterContract.job;
const REPLICA = thanosContract.replicaLabel;
const up = `up{job="${job}"}`;

let lb: ThanosLoopback;
let query: ThanosRole;
let stopped: PrometheusReplica | undefined;
let survivor: PrometheusReplica | undefined;
const afterCleanup: string[] = [];

beforeAll(async () => {
  lb = await startThanosLoopback({ replicas: 2, scrapeIntervalSeconds: 1, blockDuration: "1m" });
  query = await lb.startQuery(lb.replicas.map((r) => r.sidecarGrpc));
}, 10 * MINUTE);

afterAll(async () => {
  await lb?.stop();
  afterCleanup.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  await stopAllProcesses();
}, 5 * MINUTE);

const timestamps = (s: Series) => s.values.map(([t]) => t);

test("Query returns one deduplicated series where each replica has its own", async () => {
  // Without dedup, Query shows both replicas' copies (so both sidecars are reached) ...
  const raw = await pollQuery(query.url, up, (s) => s.length === 2, { dedup: false, timeoutMs: 5 * MINUTE, describe: "both replicas' up series through Query" });
  expect(raw.map((s) => s.metric[REPLICA]).sort()).toEqual(lb.replicas.map((r) => r.replica).sort());
  for (const s of raw) expect(s.metric.cluster).toBe(lb.cluster);
  // ... and with dedup (Query's default), one series without the replica label.
  const deduped = await instantQuery(query.url, up);
  expect(deduped).toHaveLength(1);
  expect(deduped[0].metric).not.toHaveProperty(REPLICA);
  expect(deduped[0].metric).toMatchObject({ cluster: lb.cluster, job, __name__: "up" });
  // Every node_exporter series the same way: as many deduplicated series as one replica has.
  const perReplica = await instantQuery(query.url, `count({job="${job}", ${REPLICA}="${lb.replicas[0].replica}"})`, { dedup: false });
  const dedupedAll = await instantQuery(query.url, `count({job="${job}"})`);
  expect(Number(dedupedAll[0].values[0][1])).toBe(Number(perReplica[0].values[0][1]));
}, 10 * MINUTE);

test("stopping the replica Query reads from leaves no gap in the deduplicated series, while it is down and after it is back", async () => {
  const interval = lb.scrapeIntervalSeconds;
  // 30 s of history on both replicas before the stop.
  await pollQuery(query.url, `${up}[40s]`, (s) => s.length === 2 && s.every((x) => x.values.length >= 30), { dedup: false, timeoutMs: 5 * MINUTE, describe: "30 samples on each replica" });
  // Which replica do the deduplicated samples come from? Its timestamps are that replica's own (their scrape offsets differ).
  const now = Date.now() / 1000;
  const [dedupedBefore] = await instantQuery(query.url, `${up}[20s]`, { time: now });
  const rawBefore = await instantQuery(query.url, `${up}[20s]`, { time: now, dedup: false });
  const lastT = timestamps(dedupedBefore).at(-1)!;
  const source = rawBefore.find((s) => timestamps(s).includes(lastT));
  expect(source).toBeDefined();
  stopped = lb.replicas.find((r) => r.replica === source!.metric[REPLICA])!;
  survivor = lb.replicas.find((r) => r !== stopped)!;
  const survivorUp = `${up.slice(0, -1)}, ${REPLICA}="${survivor.replica}"}`;
  const stoppedUp = `${up.slice(0, -1)}, ${REPLICA}="${stopped.replica}"}`;

  const stopAt = Date.now() / 1000;
  await lb.stopReplica(stopped);
  const stoppedAt = Date.now() / 1000;
  // While it is down, Query answers from the survivor: wait for 20 of its samples after the stop.
  const whileDown = await pollQuery(query.url, `${up}[1h]`, (s) => s.length === 1 && timestamps(s[0]).filter((t) => t > stoppedAt).length >= 20,
    { timeoutMs: 5 * MINUTE, describe: "20 deduplicated samples after the stop" });
  expect(largestGap(timestamps(whileDown[0]).filter((t) => t > stopAt - 20))).toBeLessThan(10 * interval);

  // The replica comes back (its pod restarted, same data directory): its own series has a hole over its downtime.
  const restartAt = Date.now() / 1000;
  await lb.restartReplica(stopped);
  await pollQuery(query.url, `${stoppedUp}[1h]`, (s) => s.length === 1 && timestamps(s[0]).filter((t) => t > restartAt).length >= 15,
    { dedup: false, timeoutMs: 5 * MINUTE, describe: `15 samples from ${stopped.replica} after its restart` });

  const end = Date.now() / 1000;
  const window = `${Math.ceil(end - (stopAt - 30))}s`;
  const [deduped] = await instantQuery(query.url, `${up}[${window}]`, { time: end });
  const stoppedRaw = timestamps((await instantQuery(query.url, `${stoppedUp}[${window}]`, { time: end, dedup: false }))[0]);
  const survivorRaw = timestamps((await instantQuery(query.url, `${survivorUp}[${window}]`, { time: end, dedup: false }))[0]);
  const dedupedT = timestamps(deduped);
  // The restarted replica's hole: nothing between the stop and the restart.
  const hole = stoppedRaw.filter((t) => t > stoppedAt && t < restartAt);
  expect(hole).toEqual([]);
  expect(largestGap(stoppedRaw)).toBeGreaterThan(restartAt - stoppedAt - 1);
  // The deduplicated series spans it, with samples all through the downtime and after.
  expect(dedupedT[0]).toBeLessThan(stopAt - 20);
  expect(dedupedT.filter((t) => t > stoppedAt && t < restartAt).length).toBeGreaterThanOrEqual(15);
  expect(dedupedT.at(-1)!).toBeGreaterThan(restartAt + 10 * interval);
  // No gap: the largest step between deduplicated samples is what the replicas' own spacing explains. Thanos
  // moves to the other replica once the one it reads skips more than twice its last step (the dedup
  // penalty), so a switch costs at most 2 steps of the replica it left plus one of the other.
  const ownSteps = (ts: number[]) => Math.max(largestGap(ts.filter((t) => t <= stoppedAt)), largestGap(ts.filter((t) => t >= restartAt)));
  const bound = 2 * Math.max(ownSteps(stoppedRaw), largestGap(survivorRaw)) + Math.max(ownSteps(stoppedRaw), largestGap(survivorRaw)) + 0.01;
  console.log(`thanos dedup over ${stopped.replica} down for ${(restartAt - stoppedAt).toFixed(1)} s: largest step ${largestGap(dedupedT).toFixed(3)} s `
    + `(bound ${bound.toFixed(3)} s; scrape interval ${interval} s), ${dedupedT.length} samples over ${window}`);
  expect(largestGap(dedupedT)).toBeLessThanOrEqual(bound);
  expect(largestGap(dedupedT)).toBeLessThan(restartAt - stoppedAt);
}, 20 * MINUTE);

test("blocks reach the bucket and stay readable through the Store Gateway once Prometheus' local copy is gone", async () => {
  expect(survivor).toBeDefined();
  const replica = survivor!;
  // Prometheus cuts a 1-minute block once its head spans 1.5 minutes; the sidecar uploads it within 30 s.
  // A whole block (the first one a replica cuts holds only the seconds up to the first block boundary).
  const block = await pollUntil(async () => lb.bucketBlocks().find((b) => b.labels[REPLICA] === replica.replica && b.maxTime - b.minTime >= 30_000), {
    timeoutMs: 10 * MINUTE, intervalMs: 2_000, describe: () => `no block from ${replica.replica} in the bucket: ${JSON.stringify(lb.bucketBlocks())}\n${replica.sidecar.log()}`,
  });
  expect(block.labels).toEqual({ cluster: lb.cluster, [REPLICA]: replica.replica });
  // What Prometheus serves (through its sidecar) for the block's time range, before it goes.
  const t = (block.maxTime - 1) / 1000;
  const span = `${block.maxTime - block.minTime}ms`;
  const selector = `{job="${job}", ${REPLICA}="${replica.replica}"}`;
  // Raw samples of one series, the number of series, and the number of samples of a metric with many series.
  const cpu = `node_cpu_seconds_total${selector}`;
  const questions = [`up${selector}[${span}]`, `count(${selector})`, `sum(count_over_time(${cpu}[${span}]))`];
  const before = await Promise.all(questions.map((q) => instantQuery(query.url, q, { time: t, dedup: false })));
  expect(before[0][0].values.length).toBeGreaterThanOrEqual(20);
  expect(Number(before[1][0].values[0][1])).toBeGreaterThan(50);

  // The local copy goes: both replicas stopped, their data directories deleted.
  for (const r of lb.replicas) await lb.stopReplica(r);
  for (const r of lb.replicas) {
    fs.rmSync(r.dataDir, { recursive: true, force: true });
    expect(fs.existsSync(r.dataDir)).toBe(false);
  }
  const store = await lb.startStore();
  const fromBucket = await lb.startQuery([store.grpc!]);
  // Query learns the store gateway's time range from its first info call: poll until it answers.
  await pollUntil(async () => ((await instantQuery(fromBucket.url, questions[0], { time: t, dedup: false })).length > 0 ? true : undefined),
    { timeoutMs: 5 * MINUTE, intervalMs: 1_000, describe: () => `no answer through the store gateway\n${store.process.log()}` });
  const after = await Promise.all(questions.map((q) => instantQuery(fromBucket.url, q, { time: t, dedup: false })));
  expect(after).toEqual(before);
  console.log(`thanos restore path: block ${block.ulid} of ${replica.replica} (${(block.maxTime - block.minTime) / 1000} s): ${after[0][0].values.length} up samples, `
    + `${after[1][0].values[0][1]} series, ${after[2][0].values[0][1]} node_cpu_seconds_total samples read back through the store gateway, equal to Prometheus' answers`);
  // And deduplicated through the store gateway too: one series.
  expect(await instantQuery(fromBucket.url, `up{job="${job}"}`, { time: t })).toHaveLength(1);
}, 20 * MINUTE);

test("the compactor applies the configured raw retention", async () => {
  // A block ten days old, as a replica that has since gone would have left: written by promtool from
  // OpenMetrics with old timestamps, uploaded with Thanos' own shipper (tools bucket upload-blocks).
  const work = makeTempDir("thanos-old-block");
  afterCleanup.push(work);
  // Aligned to the start of a 2 h block range: promtool cuts blocks at those boundaries, and 15 minutes of
  // samples that crossed one would become two blocks.
  const blockRange = 2 * 3600;
  const tenDaysAgo = Math.floor((Date.now() / 1000 - 10 * 86_400) / blockRange) * blockRange;
  const lines = ["# TYPE up gauge", ...Array.from({ length: 60 }, (_, i) => `up{job="${job}",instance="gone:9100"} 1 ${tenDaysAgo + 15 * i}`), "# EOF", ""];
  fs.writeFileSync(path.join(work, "old.om"), lines.join("\n"));
  execFileSync(toolPath("promtool"), ["tsdb", "create-blocks-from", "openmetrics", path.join(work, "old.om"), path.join(work, "blocks")], { stdio: "pipe" });
  execFileSync(thanosPath(), ["tools", "bucket", "upload-blocks", `--objstore.config-file=${lb.objstoreFile}`, `--path=${path.join(work, "blocks")}`,
    `--label=cluster="${lb.cluster}"`, `--label=${REPLICA}="prometheus-gone"`], { stdio: "pipe" });
  const old = lb.bucketBlocks().filter((b) => b.labels[REPLICA] === "prometheus-gone");
  expect(old).toHaveLength(1);
  expect(old[0].maxTime).toBeLessThan(Date.now() - 9 * 86_400_000);
  const recent = lb.bucketBlocks().filter((b) => b.labels[REPLICA] !== "prometheus-gone");
  expect(recent.length).toBeGreaterThanOrEqual(1);
  const recentRange = (blocks: typeof recent) => [Math.min(...blocks.map((b) => b.minTime)), Math.max(...blocks.map((b) => b.maxTime))];

  const compact = async (retention: { raw: string; fiveMinutes: string; oneHour: string }) => {
    const run = await lb.compactOnce({ retention, deleteDelay: "0s", consistencyDelay: "0s" });
    expect({ code: run.code, log: run.code === 0 ? "" : run.log }).toEqual({ code: 0, log: "" });
    return lb.bucketBlocks();
  };
  const oldBlock = (blocks: BucketBlock[]) => blocks.find((b) => b.ulid === old[0].ulid);

  // Retention 0d keeps raw data forever: the old block stays, unmarked.
  expect(oldBlock(await compact({ raw: "0d", fiveMinutes: "0d", oneHour: "0d" }))).toMatchObject({ deletionMarked: false });

  // Raw retention 7 days: the ten-day-old block is marked for deletion, and none of the recent ones. The
  // compactor deletes marked blocks once the delete delay has passed (0 s here), at the start of its next pass.
  const retention = { raw: "7d", fiveMinutes: "30d", oneHour: "365d" };
  const marked = await compact(retention);
  expect(oldBlock(marked)).toMatchObject({ deletionMarked: true });
  expect(marked.filter((b) => b.deletionMarked).map((b) => b.ulid)).toEqual([old[0].ulid]);
  const left = await compact(retention);
  expect(oldBlock(left)).toBeUndefined();
  expect(fs.existsSync(path.join(lb.bucketDir, old[0].ulid))).toBe(false);
  // The recent blocks' data stays (the compactor may have merged blocks, so the check is on the time range covered).
  const recentLeft = left.filter((b) => b.labels[REPLICA] !== "prometheus-gone");
  expect(recentLeft.every((b) => !b.deletionMarked)).toBe(true);
  expect(recentRange(recentLeft)).toEqual(recentRange(recent));
}, 15 * MINUTE);
