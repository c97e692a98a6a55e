// The Java side of go-licences.test.ts: every jar on the class path of a Java tool we build (joni-check, from
// scripts/install-logs-tools.sh) has its licence read from the jar itself, the licences its Maven POM
// declares and any licence text it carries, and only permissive licences pass. The declared licences are
// listed exactly, so a new jar or a changed licence fails here and is looked at.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { logsToolPath } from "../helpers/logs-tools";

/** Licences we accept in a built tool, by a phrase their text always carries. */
const PERMISSIVE: [string, RegExp][] = [
  ["MIT", /Permission is hereby granted, free of charge, to any person obtaining a copy/],
  ["Apache-2.0", /Apache License\s+Version 2\.0/],
  ["BSL-1.0", /Boost Software License - Version 1\.0/],
];
/** Copyleft, by a phrase its text always carries: any of these in a jar fails, whatever else it says. */
const COPYLEFT: [string, RegExp][] = [
  ["GPL/LGPL/AGPL", /GNU (AFFERO |LESSER )?GENERAL PUBLIC LICENSE/i],
  ["SSPL", /Server Side Public License/i],
  ["MPL", /Mozilla Public License/i],
  ["EPL", /Eclipse Public License/i],
  ["CDDL", /COMMON DEVELOPMENT AND DISTRIBUTION LICENSE/i],
];

/** The licences a licence text is, each by its phrase (a file may hold several: a notice of third parties). */
function classify(text: string): { permissive: string[]; copyleft: string[] } {
  return {
    permissive: PERMISSIVE.filter(([, p]) => p.test(text)).map(([n]) => n),
    copyleft: COPYLEFT.filter(([, p]) => p.test(text)).map(([n]) => n),
  };
}

/** The class path of a launcher written by the installer (`exec java ... -cp '<path>' Main`), jars expanded. */
function launcherJars(launcher: string): string[] {
  const cp = /-cp '([^']+)'/.exec(fs.readFileSync(launcher, "utf8"))?.[1];
  if (!cp) throw new Error(`no class path in ${launcher}`);
  return cp.split(":").flatMap((entry) =>
    entry.endsWith("/*") ? fs.readdirSync(entry.slice(0, -2)).filter((f) => f.endsWith(".jar")).map((f) => path.join(entry.slice(0, -2), f)) : []);
}

interface JarLicences {
  artifact: string;
  declared: string[];
  files: { name: string; permissive: string[]; copyleft: string[] }[];
}

/** A jar's Maven coordinates and declared licences (its embedded POM) and its licence files (META-INF). */
function readJar(jar: string): JarLicences {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "jar-licences-"));
  try {
    execFileSync("jar", ["xf", jar, "META-INF"], { cwd: dir });
    const metaInf = path.join(dir, "META-INF");
    const poms = fs.readdirSync(metaInf, { recursive: true, encoding: "utf8" }).filter((f) => /^maven\/[^/]+\/[^/]+\/pom\.xml$/.test(f));
    if (poms.length !== 1) throw new Error(`${jar}: expected one embedded POM, found ${poms.length}`);
    const [, group, artifact] = poms[0].split("/");
    const pom = fs.readFileSync(path.join(metaInf, poms[0]), "utf8");
    const licencesBlock = /<licenses>([\s\S]*?)<\/licenses>/.exec(pom)?.[1] ?? "";
    const declared = [...licencesBlock.matchAll(/<name>([^<]+)<\/name>/g)].map((m) => m[1].trim());
    const files = fs.readdirSync(metaInf).filter((f) => /LICEN[CS]E|NOTICE|COPYING/i.test(f) && fs.statSync(path.join(metaInf, f)).isFile())
      .map((name) => ({ name, ...classify(fs.readFileSync(path.join(metaInf, name), "utf8")) }));
    return { artifact: `${group}:${artifact}`, declared, files };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test("the classifier tells permissive from copyleft (negative controls)", () => {
  expect(classify("Permission is hereby granted, free of charge, to any person obtaining a copy of this software")).toEqual({ permissive: ["MIT"], copyleft: [] });
  expect(classify("                                 Apache License\n                           Version 2.0, January 2004")).toEqual({ permissive: ["Apache-2.0"], copyleft: [] });
  expect(classify("GNU LESSER GENERAL PUBLIC LICENSE\nVersion 2.1")).toEqual({ permissive: [], copyleft: ["GPL/LGPL/AGPL"] });
  expect(classify("Eclipse Public License - v 2.0")).toEqual({ permissive: [], copyleft: ["EPL"] });
});

test("joni-check's jars: joni and jcodings MIT, jackson-core Apache-2.0, nothing copyleft", () => {
  const jars = launcherJars(logsToolPath("joni-check")).map(readJar);
  const declared = Object.fromEntries(jars.map((j) => [j.artifact, j.declared]));
  expect(declared).toEqual({
    "org.jruby.joni:joni": ["MIT License"],
    "org.jruby.jcodings:jcodings": ["MIT License"],
    "com.fasterxml.jackson.core:jackson-core": ["The Apache Software License, Version 2.0"],
  });
  // Licence texts a jar carries (jackson-core's own and its bundled parsers'): each a permissive licence we
  // recognise, none copyleft. A NOTICE file carries attributions, not a licence.
  for (const jar of jars) for (const f of jar.files) {
    expect([jar.artifact, f.name, f.copyleft]).toEqual([jar.artifact, f.name, []]);
    if (!/^NOTICE/i.test(f.name)) expect([jar.artifact, f.name, f.permissive.length > 0]).toEqual([jar.artifact, f.name, true]);
  }
  expect(jars.flatMap((j) => j.files.map((f) => f.name)).length).toBeGreaterThan(0);
});
