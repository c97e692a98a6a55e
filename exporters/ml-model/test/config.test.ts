import { ConfigError, loadConfig } from "../src/config";

describe("loadConfig", () => {
  it("defaults to the seed's settings", () => {
    const c = loadConfig({});
    expect(c.mlModelEndpoint.href).toBe("http://ml-service:8000/");
    expect(c.host).toBe("0.0.0.0");
    expect(c.port).toBe(9200);
    expect(c.scrapeIntervalMs).toBe(30_000);
    expect(c.scrapeTimeoutMs).toBe(5_000);
    expect(c.maxSeries).toBe(50_000);
    expect(c.logLevel).toBe("info");
  });

  it("reads every variable, and treats empty ones as unset", () => {
    const c = loadConfig({
      ML_MODEL_ENDPOINT: "https://ml.example:8443/api",
      EXPORT_HOST: "127.0.0.1",
      EXPORT_PORT: "0",
      SCRAPE_INTERVAL: "0",
      SCRAPE_TIMEOUT: "2.5",
      MAX_SERIES: "10",
      ML_MODEL_MAX_RESPONSE_BYTES: "4096",
      LOG_LEVEL: "",
    });
    expect(c).toMatchObject({ host: "127.0.0.1", port: 0, scrapeIntervalMs: 0, scrapeTimeoutMs: 2500, maxSeries: 10, maxResponseBytes: 4096, logLevel: "info" });
    expect(c.mlModelEndpoint.href).toBe("https://ml.example:8443/api");
  });

  it("lists every bad variable in one clear error", () => {
    let error: unknown;
    try {
      loadConfig({ ML_MODEL_ENDPOINT: "ml-service:8000", EXPORT_PORT: "70000", SCRAPE_INTERVAL: "30s", SCRAPE_TIMEOUT: "0", LOG_LEVEL: "loud" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toMatch(/ML_MODEL_ENDPOINT: must be an http\(s\) URL .*\(got "ml-service:8000"\)/);
    expect(problems.join("\n")).toMatch(/EXPORT_PORT: must be a TCP port number \(0-65535\) \(got "70000"\)/);
    expect(problems.join("\n")).toMatch(/SCRAPE_INTERVAL: must be a number of seconds/);
    expect(problems.join("\n")).toMatch(/SCRAPE_TIMEOUT: must be more than 0 seconds/);
    expect(problems.join("\n")).toMatch(/LOG_LEVEL: must be one of debug, info, warn, error/);
    expect((error as Error).message).toMatch(/^invalid configuration:\n {2}- /);
  });

  it.each([["ftp://ml-service"], ["not a url"]])("rejects the endpoint %s", (endpoint) => {
    expect(() => loadConfig({ ML_MODEL_ENDPOINT: endpoint })).toThrow(ConfigError);
  });
});
