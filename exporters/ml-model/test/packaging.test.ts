// The image and `npm start` must run the exporter the same way, from a pinned base, as a non-root user.
import { readFileSync } from "node:fs";
import * as path from "node:path";

const root = path.join(__dirname, "..");
const dockerfile = readFileSync(path.join(root, "Dockerfile"), "utf8");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));

describe("Dockerfile", () => {
  it("pins the base image by an exact version tag", () => {
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(image).toMatch(/^node:20\.\d+\.\d+-alpine3\.\d+$/);
    // Every stage uses that pinned image.
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(new Set(froms)).toEqual(new Set(["${NODE_IMAGE}"]));
  });

  it("runs the final stage as a non-root numeric user", () => {
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));
    expect(/^USER (\d+):(\d+)$/m.exec(finalStage)?.slice(1)).toEqual(["65534", "65534"]);
  });

  it("runs the same command as `npm start`, and exposes the default port", () => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(cmd.join(" ")).toBe(pkg.scripts.start);
    expect(dockerfile).toMatch(/^EXPOSE 9200$/m);
  });
});

describe("package.json", () => {
  it("pins every dependency to an exact version", () => {
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const [name, version] of Object.entries(deps as Record<string, string>)) expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
    }
    expect(pkg.devDependencies.typescript).toMatch(/^5\./);
  });

  it("builds before `npm start` and `npm test`", () => {
    expect(pkg.scripts.prestart).toBe("npm run build");
    expect(pkg.scripts.pretest).toContain("npm run build");
  });
});
