import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { FetchError, MlClient } from "../src/ml-client";
import { fixtureSnapshot } from "./support/fixtures";

const client = (endpoint: string, maxResponseBytes = 1024 * 1024) => new MlClient({ endpoint: new URL(endpoint), timeoutMs: 1_000, maxResponseBytes });

describe("MlClient", () => {
  it.each([
    ["http://ml-service:8000", "http://ml-service:8000/v1/monitoring/snapshot"],
    ["http://ml-service:8000/", "http://ml-service:8000/v1/monitoring/snapshot"],
    ["https://gateway.example/ml-api", "https://gateway.example/ml-api/v1/monitoring/snapshot"],
    ["https://gateway.example/ml-api/", "https://gateway.example/ml-api/v1/monitoring/snapshot"],
  ])("resolves the snapshot URL under %s", (endpoint, expected) => {
    expect(client(endpoint).snapshotUrl.href).toBe(expected);
  });

  describe("against a server on 127.0.0.1", () => {
    let server: http.Server;
    let url: string;
    let handler: http.RequestListener = () => undefined;
    beforeAll(async () => {
      server = http.createServer((req, res) => handler(req, res));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("returns the validated snapshot", async () => {
      handler = (_req, res) => res.end(JSON.stringify(fixtureSnapshot()));
      const snapshot = await client(url).fetchSnapshot();
      expect(snapshot.models).toHaveLength(3);
    });

    it("refuses a declared Content-Length over the limit before reading the body", async () => {
      handler = (_req, res) => {
        res.writeHead(200, { "content-length": 5000 });
        res.end("x".repeat(5000));
      };
      const error = await client(url, 2048).fetchSnapshot().catch((e) => e);
      expect(error).toBeInstanceOf(FetchError);
      expect(error).toMatchObject({ reason: "too_large", message: "response of 5000 bytes exceeds the limit of 2048" });
    });

    it("names the failing fields when the response breaks the contract", async () => {
      const body = fixtureSnapshot() as any;
      body.models[1].recall = 2;
      delete body.drift;
      handler = (_req, res) => res.end(JSON.stringify(body));
      const error = await client(url).fetchSnapshot().catch((e) => e);
      expect(error.reason).toBe("schema");
      expect(error.message).toMatch(/models\.1\.recall: .*drift: /);
    });
  });
});
