// A fake ML service for the benchmark, run as its own process so that serving the payload does not
// compete with the load generator's event loop. Usage: tsx fake-ml-service.mjs <models> <datasets>.
// Prints {"port": N, "bytes": N} on stdout once listening on 127.0.0.1, then serves the snapshot
// (serialized once) on GET /v1/monitoring/snapshot until SIGTERM.
//
// The payload is exporters/ml-model/test/support/fixtures.ts#generatedSnapshot: per
// model one version, a finished training run, two failure types, a 10-bucket latency histogram, two
// prediction statuses and one drift score per dataset (scores, not distributions, because
// json_exporter can only copy values, not compute a distance).
import * as http from "node:http";
// The tests' own generator, so the benchmark serves exactly the payload shape the tests validate.
// Started through tsx (bench.mjs does that), which loads the TypeScript module.
import { generatedSnapshot } from "../../exporters/ml-model/test/support/fixtures.ts";

const [models, datasets] = process.argv.slice(2).map(Number);
const body = Buffer.from(JSON.stringify(generatedSnapshot(models, datasets)));
const server = http.createServer((req, res) => {
  if (req.url !== "/v1/monitoring/snapshot") return res.writeHead(404).end();
  res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
  res.end(body);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port, bytes: body.length }) + "\n");
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
// Never outlive the benchmark that started it.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
