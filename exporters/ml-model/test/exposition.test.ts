import { escapeLabelValue, ExpositionWriter, formatValue, labelPairs } from "../src/exposition";

describe("exposition format", () => {
  it("formats special values as Prometheus expects", () => {
    expect(formatValue(Infinity)).toBe("+Inf");
    expect(formatValue(-Infinity)).toBe("-Inf");
    expect(formatValue(NaN)).toBe("NaN");
    expect(formatValue(0.1)).toBe("0.1");
    expect(formatValue(1e21)).toBe("1e+21");
  });

  it("escapes backslashes, quotes and line feeds in label values", () => {
    expect(escapeLabelValue("plain")).toBe("plain");
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(labelPairs({ model_name: "m", status: 'x"y' })).toBe('model_name="m",status="x\\"y"');
  });

  it("writes families and samples, across chunk boundaries", () => {
    const w = new ExpositionWriter().family("demo_total", "counter", "Demo\\help\nsecond line.");
    for (let i = 0; i < 5000; i++) w.sample("demo_total", labelPairs({ i: String(i) }), i);
    const text = w.toBuffer().toString("utf8");
    const lines = text.split("\n");
    expect(lines.slice(0, 3)).toEqual(["# HELP demo_total Demo\\\\help\\nsecond line.", "# TYPE demo_total counter", 'demo_total{i="0"} 0']);
    expect(lines.at(-2)).toBe('demo_total{i="4999"} 4999');
    expect(lines.at(-1)).toBe("");
    expect(w.sampleCount).toBe(5000);
    expect(text.length).toBeGreaterThan(64 * 1024);
  });

  it("renders nothing for nothing", () => {
    expect(new ExpositionWriter().toBuffer().length).toBe(0);
  });
});
