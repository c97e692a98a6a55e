import { SharedCache } from "../src/shared-cache";

/** A load whose calls the test resolves or rejects by hand. */
function controlledLoad() {
  const pending: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const load = jest.fn(() => new Promise<string>((resolve, reject) => pending.push({ resolve, reject })));
  return { load, pending };
}

describe("SharedCache", () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it("shares one load between concurrent callers", async () => {
    const { load, pending } = controlledLoad();
    const cache = new SharedCache(load, 30_000, clock);
    const calls = [cache.get(), cache.get(), cache.get()];
    expect(load).toHaveBeenCalledTimes(1);
    expect(cache.loading).toBe(true);
    pending[0].resolve("v1");
    expect(await Promise.all(calls)).toEqual(["v1", "v1", "v1"]);
    expect(cache.loading).toBe(false);
  });

  it("serves the cached value until it is maxAge old, measured from the load's start", async () => {
    const { load, pending } = controlledLoad();
    const cache = new SharedCache(load, 30_000, clock);
    const first = cache.get();
    now += 2_000; // the load takes 2 s
    pending[0].resolve("v1");
    await first;
    expect(cache.ageMs()).toBe(2_000);

    now += 27_999; // 29.999 s after the load started
    expect(await cache.get()).toBe("v1");
    expect(load).toHaveBeenCalledTimes(1);

    now += 1; // 30 s: stale
    const second = cache.get();
    expect(load).toHaveBeenCalledTimes(2);
    pending[1].resolve("v2");
    expect(await second).toBe("v2");
  });

  it("loads on every call when maxAge is 0, still one at a time", async () => {
    const { load, pending } = controlledLoad();
    const cache = new SharedCache(load, 0, clock);
    const a = cache.get();
    const b = cache.get();
    pending[0].resolve("v1");
    expect(await Promise.all([a, b])).toEqual(["v1", "v1"]);
    const c = cache.get();
    expect(load).toHaveBeenCalledTimes(2);
    pending[1].resolve("v2");
    expect(await c).toBe("v2");
  });

  it("does not cache a load that throws: all waiters see the error, the next call retries", async () => {
    const { load, pending } = controlledLoad();
    const cache = new SharedCache(load, 30_000, clock);
    const a = cache.get();
    const b = cache.get();
    pending[0].reject(new Error("boom"));
    await expect(a).rejects.toThrow("boom");
    await expect(b).rejects.toThrow("boom");
    const c = cache.get();
    expect(load).toHaveBeenCalledTimes(2);
    pending[1].resolve("v1");
    expect(await c).toBe("v1");
  });
});
