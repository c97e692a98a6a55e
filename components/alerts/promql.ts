// Parses PromQL at config time, before any resource exists, with Prometheus' own grammar for JavaScript
// (@prometheus-io/lezer-promql, the grammar of Prometheus' web UI). The grammar alone is lenient — it
// accepts `rate(up)`, an unterminated string or a range over a sum — so the checks Prometheus' Go parser
// makes after parsing (function signatures, operand types, selector rules, feature flags off by default) are
// made here too. test/tools/user-alerts.test.ts holds this verdict against Prometheus' parser itself
// (test/helpers/promql.ts) on valid and invalid expressions.
import { parser } from "@prometheus-io/lezer-promql";

/** A node of the grammar's syntax tree (its @lezer/common type, reached through the parser so no other package is imported). */
type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

type ValueType = "scalar" | "vector" | "matrix" | "string";

interface Signature {
  args: ValueType[];
  /** How many trailing arguments may be left out; -1: the last one repeats without limit. */
  variadic?: number;
  returns: ValueType;
}

const V: ValueType = "vector";
const M: ValueType = "matrix";
const S: ValueType = "scalar";
const STR: ValueType = "string";
const vectorFn: Signature = { args: [V], returns: V };
const rangeFn: Signature = { args: [M], returns: V };
const timeFn: Signature = { args: [V], variadic: 1, returns: V };

/**
 * Prometheus 3.16's functions with their signatures (promql/parser/functions.go at module v0.316.0), minus
 * the experimental ones, which the parser refuses unless a feature flag is set and our Prometheus sets none.
 */
const functions: Record<string, Signature> = {
  ...Object.fromEntries(
    ["abs", "absent", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh", "deg", "exp", "floor", "histogram_avg",
      "histogram_count", "histogram_sum", "histogram_stddev", "histogram_stdvar", "ln", "log10", "log2", "rad", "sgn", "sin", "sinh",
      "sort", "sort_desc", "sqrt", "tan", "tanh", "timestamp"].map((name) => [name, vectorFn]),
  ),
  ...Object.fromEntries(
    ["absent_over_time", "avg_over_time", "changes", "count_over_time", "delta", "deriv", "first_over_time", "idelta", "increase", "irate",
      "last_over_time", "max_over_time", "min_over_time", "present_over_time", "rate", "resets", "stddev_over_time", "stdvar_over_time",
      "sum_over_time"].map((name) => [name, rangeFn]),
  ),
  ...Object.fromEntries(["days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year"].map((name) => [name, timeFn])),
  clamp: { args: [V, S, S], returns: V },
  clamp_max: { args: [V, S], returns: V },
  clamp_min: { args: [V, S], returns: V },
  histogram_fraction: { args: [S, S, V], returns: V },
  histogram_quantile: { args: [S, V], returns: V },
  label_replace: { args: [V, STR, STR, STR, STR], returns: V },
  label_join: { args: [V, STR, STR, STR], variadic: -1, returns: V },
  pi: { args: [], returns: S },
  predict_linear: { args: [M, S], returns: V },
  quantile_over_time: { args: [S, M], returns: V },
  round: { args: [V, S], variadic: 1, returns: V },
  scalar: { args: [V], returns: S },
  time: { args: [], returns: S },
  vector: { args: [S], returns: V },
};

/** Aggregations that take a parameter before the vector, and its type; limitk and limit_ratio are experimental. */
const parameterised: Record<string, ValueType> = { topk: S, bottomk: S, quantile: S, count_values: STR };
const experimentalAggregations = new Set(["limitk", "limit_ratio"]);
const comparisons = new Set(["Eql", "Neq", "Gtr", "Lss", "Gte", "Lte"]);
const setOperators = new Set(["And", "Or", "Unless"]);
const binaryOperators = new Set(["Pow", "Mul", "Div", "Mod", "Atan2", "Add", "Sub", ...comparisons, ...setOperators, "TrimUpper", "TrimLower"]);

export interface PromqlVerdict {
  /** Whether Prometheus' parser accepts the expression. */
  ok: boolean;
  /** Why not, each with its offset in the expression (empty when ok). */
  errors: string[];
  /** Metric names its selectors name (sorted, unique). */
  metrics: string[];
  /** Selectors with no literal metric name (e.g. {__name__=~"..."}), which no inventory can check. */
  unnamedSelectors: number;
  /** The functions it calls (sorted, unique), e.g. absent, which fires where its selector finds nothing. */
  functions: string[];
  /** The expression's type when ok. */
  type?: ValueType;
}

class PromqlError extends Error {}

/** Parses one expression and reports what Prometheus' parser would say about it, and the metrics it selects. */
export function parsePromql(expr: string): PromqlVerdict {
  const errors: string[] = [];
  const metrics = new Set<string>();
  const called = new Set<string>();
  let unnamedSelectors = 0;
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`syntax error at character ${node.from + 1}: ${node.from >= expr.length ? "unexpected end of expression" : `unexpected "${expr.slice(node.from, node.from + 12)}"`}`);
    },
  });
  const text = (node: SyntaxNode) => expr.slice(node.from, node.to);
  const fail = (node: SyntaxNode, message: string): never => {
    throw new PromqlError(`${message} (at character ${node.from + 1}: "${text(node).slice(0, 40)}")`);
  };
  const children = (node: SyntaxNode): SyntaxNode[] => {
    const out: SyntaxNode[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
    return out;
  };
  const exprChildren = (node: SyntaxNode) => children(node).filter((child) => child.type.is("Expr"));

  const unquote = (node: SyntaxNode): string => {
    const raw = text(node);
    const quote = raw[0];
    if (raw.length < 2 || raw[raw.length - 1] !== quote) fail(node, "unterminated quoted string");
    if (quote === "`") return raw.slice(1, -1);
    try {
      // Go's and JSON's escapes agree on what label values and regexes need; a single-quoted string is rewritten as double-quoted.
      return JSON.parse(quote === '"' ? raw : `"${raw.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
    } catch {
      return fail(node, "invalid escape sequence in quoted string");
    }
  };

  /** `{...}` and the metric name; Prometheus requires a selector that cannot match every series. */
  const vectorSelector = (node: SyntaxNode): void => {
    let name: string | undefined = node.getChild("Identifier") ? text(node.getChild("Identifier")!) : undefined;
    let matchesSomething = name !== undefined;
    const matchers = node.getChild("LabelMatchers");
    for (const matcher of matchers ? children(matchers) : []) {
      if (matcher.name === "QuotedLabelName") {
        // {"my.metric"}: the UTF-8 form of a metric name.
        if (name !== undefined) fail(matcher, "metric name must not be set twice");
        name = unquote(matcher.firstChild!);
        matchesSomething = true;
        continue;
      }
      if (matcher.name !== "UnquotedLabelMatcher" && matcher.name !== "QuotedLabelMatcher") continue;
      const label = matcher.name === "UnquotedLabelMatcher" ? text(matcher.getChild("LabelName")!) : unquote(matcher.getChild("QuotedLabelName")!.firstChild!);
      const op = matcher.getChild("MatchOp")!.firstChild!.name;
      const value = unquote(matcher.getChild("StringLiteral")!);
      let matchesEmpty: boolean;
      if (op === "EqlRegex" || op === "NeqRegex") {
        let regex: RegExp;
        try {
          regex = new RegExp(`^(?:${value})$`, "s");
        } catch {
          return fail(matcher, "invalid regular expression");
        }
        matchesEmpty = regex.test("") === (op === "EqlRegex");
      } else {
        matchesEmpty = (value === "") === (op === "EqlSingle");
      }
      if (!matchesEmpty) matchesSomething = true;
      if (label === "__name__") {
        if (name !== undefined && node.getChild("Identifier")) fail(matcher, "metric name must not be set twice");
        if (op === "EqlSingle") name = value;
      }
    }
    if (!matchesSomething) fail(node, "vector selector must contain at least one non-empty matcher");
    if (name === undefined) unnamedSelectors++;
    else metrics.add(name);
  };

  const typeOf = (node: SyntaxNode): ValueType => {
    switch (node.name) {
      case "NumberDurationLiteral":
        return S;
      case "StringLiteral":
        unquote(node);
        return STR;
      case "VectorSelector":
        vectorSelector(node);
        return V;
      case "ParenExpr":
        return typeOf(exprChildren(node)[0]);
      case "UnaryExpr": {
        const type = typeOf(exprChildren(node)[0]);
        if (type !== S && type !== V) fail(node, `unary expression only allowed on expressions of type scalar or instant vector, got "${type}"`);
        return type;
      }
      case "MatrixSelector": {
        const inner = exprChildren(node)[0];
        if (inner.name !== "VectorSelector") fail(node, "ranges only allowed for vector selectors");
        vectorSelector(inner);
        return M;
      }
      case "SubqueryExpr": {
        const inner = exprChildren(node)[0];
        if (typeOf(inner) !== V) fail(node, "subquery is only allowed on instant vector");
        return M;
      }
      case "OffsetExpr":
      case "StepInvariantExpr": {
        const inner = exprChildren(node)[0];
        const what = node.name === "OffsetExpr" ? "offset" : "@";
        // The lezer grammar reads `a - b offset 5m` as (a - b) offset 5m; Prometheus' parser binds the modifier
        // to b. So the operand it modifies is the binary expression's rightmost one.
        let operand = inner;
        while (operand.name === "BinaryExpr") operand = exprChildren(operand).at(-1)!;
        if (!["VectorSelector", "MatrixSelector", "SubqueryExpr"].includes(operand.name)) fail(node, `${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery`);
        return typeOf(inner);
      }
      case "AnchoredExpr":
      case "SmoothedExpr": {
        // Extended range selectors (permanent in 3.16): on a selector or a range over one; both at once is refused.
        const inner = exprChildren(node)[0];
        const what = node.name === "AnchoredExpr" ? "anchored" : "smoothed";
        if (inner.name === "SubqueryExpr") fail(node, `${what} modifier is not supported for subqueries`);
        if (inner.name !== "VectorSelector" && inner.name !== "MatrixSelector") fail(node, `${what} modifier not implemented`);
        return typeOf(inner);
      }
      case "FunctionCall": {
        const name = text(node.getChild("FunctionIdentifier")!);
        called.add(name);
        const signature = functions[name];
        if (!signature) return fail(node, `function "${name}" is experimental or unknown`);
        const args = exprChildren(node.getChild("FunctionCallBody")!);
        const { args: expected, variadic = 0 } = signature;
        const min = variadic === -1 ? expected.length : expected.length - variadic;
        const max = variadic === -1 ? Infinity : expected.length;
        if (args.length < min || args.length > max) fail(node, `expected ${min === max ? min : `${min} to ${max}`} argument(s) in call to "${name}", got ${args.length}`);
        args.forEach((arg, i) => {
          const want = expected[Math.min(i, expected.length - 1)];
          const got = typeOf(arg);
          if (got !== want) fail(arg, `expected type ${typeName(want)} in call to function "${name}", got ${typeName(got)}`);
        });
        return signature.returns;
      }
      case "AggregateExpr": {
        const op = text(node.getChild("AggregateOp")!).toLowerCase();
        if (experimentalAggregations.has(op)) fail(node, `${op}() is experimental and not enabled`);
        const args = exprChildren(node.getChild("FunctionCallBody")!);
        const param = parameterised[op];
        const wanted = param ? 2 : 1;
        if (args.length !== wanted) fail(node, `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`);
        if (param && typeOf(args[0]) !== param) fail(args[0], `expected type ${typeName(param)} in aggregation parameter, got ${typeName(typeOf(args[0]))}`);
        if (typeOf(args[args.length - 1]) !== V) fail(args[args.length - 1], `expected type instant vector in aggregation expression, got ${typeName(typeOf(args[args.length - 1]))}`);
        return V;
      }
      case "BinaryExpr": {
        const [left, right] = exprChildren(node);
        const op = children(node).find((child) => binaryOperators.has(child.name))!.name;
        if (node.getChild("FillModifier")) fail(node, "fill modifiers are experimental and not enabled");
        const [l, r] = [typeOf(left), typeOf(right)];
        for (const t of [l, r]) if (t !== S && t !== V) fail(node, "binary expression must contain only scalar and instant vector types");
        const bool = node.getChild("BoolModifier") !== null;
        if (bool && !comparisons.has(op)) fail(node, "bool modifier can only be used on comparison operators");
        if (comparisons.has(op) && l === S && r === S && !bool) fail(node, "comparisons between scalars must use BOOL modifier");
        const matching = node.getChild("MatchingModifierClause");
        if (setOperators.has(op) && (l !== V || r !== V)) fail(node, `set operator ${op.toLowerCase()} not allowed in binary scalar expression`);
        if (matching && (l !== V || r !== V)) fail(node, "vector matching only allowed between instant vectors");
        if (matching && setOperators.has(op) && (matching.getChild("GroupLeft") || matching.getChild("GroupRight"))) fail(node, "no grouping allowed for set operations");
        return l === V || r === V ? V : S;
      }
      default:
        return fail(node, `unexpected ${node.name}`);
    }
  };

  if (errors.length === 0) {
    const top = tree.topNode.firstChild;
    if (!top) errors.push("empty expression");
    else {
      try {
        const type = typeOf(top);
        return { ok: true, errors: [], metrics: [...metrics].sort(), unnamedSelectors, functions: [...called].sort(), type };
      } catch (error) {
        if (!(error instanceof PromqlError)) throw error;
        errors.push(error.message);
      }
    }
  }
  return { ok: false, errors, metrics: [...metrics].sort(), unnamedSelectors, functions: [...called].sort() };
}

function typeName(type: ValueType): string {
  return type === "vector" ? "instant vector" : type === "matrix" ? "range vector" : type;
}
