// Every component the library exports (found from components/index.ts with the TypeScript compiler, so a new
// component is covered the day it is exported) suits Pulumi's component packaging: one constructor
// (name, args, opts?), its parameter named `args` of an interface type, no unions other than literal unions,
// TSDoc on the class and on every args field. Then Pulumi's own analyzer (what `pulumi package add` runs on
// plugin/) derives the package schema from the same source: every component, every input, described.
import * as path from "path";
import * as ts from "typescript";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema } from "@pulumi/pulumi/provider/experimental/schema";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const componentsDir = path.join(repoRoot, "components");
const program = ts.createProgram([path.join(componentsDir, "index.ts")], { strict: true, skipLibCheck: true, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, target: ts.ScriptTarget.ES2022 });
const checker = program.getTypeChecker();

const isOurs = (decl: ts.Node) => decl.getSourceFile().fileName.startsWith(componentsDir);
const docOf = (node: ts.Node): string => ts.getJSDocCommentsAndTags(node).map((d) => (ts.isJSDoc(d) ? ts.getTextOfJSDocComment(d.comment) ?? "" : "")).join("").trim();

function extendsComponentResource(decl: ts.ClassDeclaration): boolean {
  for (let type: ts.Type | undefined = checker.getTypeAtLocation(decl); type; ) {
    const base: ts.Type | undefined = type.getBaseTypes?.()?.[0];
    if (!base) return false;
    if (base.getSymbol()?.getName() === "ComponentResource") return true;
    type = base;
  }
  return false;
}

/** Every ComponentResource class components/index.ts exports. */
function exportedComponents(): ts.ClassDeclaration[] {
  const index = checker.getSymbolAtLocation(program.getSourceFile(path.join(componentsDir, "index.ts"))!)!;
  return checker.getExportsOfModule(index)
    .map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s))
    .flatMap((s) => s.declarations ?? [])
    .filter((d): d is ts.ClassDeclaration => ts.isClassDeclaration(d) && extendsComponentResource(d));
}

const components = exportedComponents();
const names = components.map((c) => c.name!.text);

/** Problems with a type used in args: unions other than literal unions, intersections. */
function typeProblems(type: ts.Type, where: string, seen: Set<ts.Type>, problems: string[]): void {
  if (seen.has(type)) return;
  seen.add(type);
  // pulumi.Input<T> (T | Promise<T> | OutputInstance<T>) is how args take values: check T.
  if (type.aliasSymbol?.getName() === "Input" && type.aliasTypeArguments?.length === 1) return typeProblems(type.aliasTypeArguments[0], where, seen, problems);
  if (type.isUnion()) {
    // Input<T> flattens into T | Promise<T> | OutputInstance<T> inside a union: only T is the args' own type.
    const wrappers = ["Promise", "OutputInstance"];
    const members = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) && !wrappers.includes(t.getSymbol()?.getName() ?? ""));
    const literal = members.every((t) => t.isStringLiteral()) || members.every((t) => t.isNumberLiteral()) || members.every((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    if (members.length > 1 && !literal) problems.push(`${where}: union ${checker.typeToString(type)}`);
    members.forEach((t) => typeProblems(t, where, seen, problems));
    return;
  }
  if (type.isIntersection()) problems.push(`${where}: intersection ${checker.typeToString(type)}`);
  const element = checker.isArrayType(type) ? (type as ts.TypeReference).typeArguments?.[0] : undefined;
  if (element) return typeProblems(element, `${where}[]`, seen, problems);
  const indexType = type.getStringIndexType();
  if (indexType) typeProblems(indexType, `${where}{}`, seen, problems);
  // Our own interfaces: every field documented and checked in turn. Anonymous object types have no name
  // to become a schema type, so they must be interfaces.
  const decl = type.getSymbol()?.declarations?.[0];
  if (decl && isOurs(decl) && ts.isTypeLiteralNode(decl)) problems.push(`${where}: anonymous object type ${checker.typeToString(type)} (declare an interface)`);
  if (decl && isOurs(decl) && (ts.isInterfaceDeclaration(decl) || ts.isTypeLiteralNode(decl))) fieldProblems(type, checker.typeToString(type), seen, problems);
}

function fieldProblems(type: ts.Type, owner: string, seen: Set<ts.Type>, problems: string[]): void {
  for (const prop of type.getProperties()) {
    const decl = prop.valueDeclaration ?? prop.declarations?.[0];
    if (!decl) continue;
    if (!docOf(decl)) problems.push(`${owner}.${prop.getName()}: no TSDoc`);
    typeProblems(checker.getTypeOfSymbolAtLocation(prop, decl), `${owner}.${prop.getName()}`, seen, problems);
  }
}

test("components/index.ts exports the components (the walk finds them all)", () => {
  expect(names).toEqual(expect.arrayContaining(["Alertmanager", "Prometheus", "NodeExporter", "Cadvisor", "KubeStateMetrics", "BlackboxExporter", "MlModelExporter", "Namespace"]));
});

describe.each(names)("%s", (name) => {
  const decl = () => components.find((c) => c.name!.text === name)!;

  test("has TSDoc and a pulumi type token novacron:<module>:<Type>", () => {
    expect(docOf(decl()).length).toBeGreaterThan(10);
    const text = decl().getText();
    expect(text).toMatch(new RegExp(`super\\("novacron:[a-z0-9-]+:${name}"`));
  });

  test("one constructor (name: string, args: <interface>, opts?: ComponentResourceOptions)", () => {
    const ctors = decl().members.filter(ts.isConstructorDeclaration);
    expect(ctors).toHaveLength(1);
    const params = ctors[0].parameters.map((p) => ({ name: p.name.getText(), type: p.type?.getText(), optional: !!p.questionToken }));
    expect(params).toEqual([
      { name: "name", type: "string", optional: false },
      { name: "args", type: expect.stringMatching(/^[A-Z]\w*Args$/), optional: false },
      { name: "opts", type: expect.stringMatching(/ComponentResourceOptions$/), optional: true },
    ]);
    const argsType = checker.getTypeAtLocation(ctors[0].parameters[1].type!);
    expect(argsType.getSymbol()?.declarations?.some(ts.isInterfaceDeclaration)).toBe(true);
  });

  test("args: every field documented, no unions but literal ones, no intersections", () => {
    const ctor = decl().members.find(ts.isConstructorDeclaration)!;
    const argsType = checker.getTypeAtLocation(ctor.parameters[1].type!);
    const problems: string[] = [];
    fieldProblems(argsType, checker.typeToString(argsType), new Set(), problems);
    expect(problems).toEqual([]);
  });
});

test("Pulumi's component analyzer derives the package schema from plugin/: every component, every input described", () => {
  const pluginDir = path.join(repoRoot, "plugin");
  const pkg = require(path.join(pluginDir, "package.json"));
  const { components: analyzed, typeDefinitions, dependencies } = new Analyzer(pluginDir, pkg.name, pkg, new Set(names)).analyze();
  expect(Object.keys(analyzed).sort()).toEqual([...names].sort());
  const schema = generateSchema(pkg.name, pkg.version, pkg.description, analyzed, typeDefinitions, dependencies) as any;
  for (const name of names) {
    const resource = schema.resources[`novacron:index:${name}`];
    expect(resource).toMatchObject({ isComponent: true, description: expect.any(String) });
    const undescribed = Object.entries<any>(resource.inputProperties ?? {}).filter(([, p]) => !p.description).map(([k]) => `${name}.${k}`);
    expect(undescribed).toEqual([]);
  }
});
