// The loopback helpers' port choice: never a port Node's fetch refuses (test/loopback/processes.ts).
import { errorText, FETCH_BAD_PORTS, freePorts, LOOPBACK } from "../loopback/processes";

/** Why fetch fails for this port, or "" when it reaches the socket (refused: nothing listens there). */
async function fetchFailure(port: number): Promise<string> {
  try {
    await fetch(`http://${LOOPBACK}:${port}/`, { signal: AbortSignal.timeout(10_000) });
    return "";
  } catch (err) {
    return errorText(err);
  }
}

test("every listed port is one Node's fetch refuses as a bad port, and its neighbours are not", async () => {
  for (const port of FETCH_BAD_PORTS) expect(`${port}: ${await fetchFailure(port)}`).toBe(`${port}: fetch failed: bad port`);
  for (const port of [10079, 10081]) expect(await fetchFailure(port)).not.toContain("bad port");
});

test("freePorts never draws a bad port, even from a range around one", async () => {
  const drawn = new Set<number>();
  for (let i = 0; i < 20; i++) for (const port of await freePorts(2, [10079, 10081])) drawn.add(port);
  expect(drawn.has(10080)).toBe(false);
  expect([...drawn].every((port) => port === 10079 || port === 10081)).toBe(true);
});
