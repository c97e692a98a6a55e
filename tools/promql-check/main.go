// promql-check parses PromQL expressions with Prometheus' own parser (the version the stack deploys) and
// reports, for each, whether it parses and which metric names it selects. The dashboards' tests feed it
// every panel query, so a query Prometheus would reject, or a metric nothing exports, fails a test.
//
// Input (stdin): a JSON array of {"id": string, "expr": string}.
// Output (stdout): a JSON array of {"id", "ok", "error"?, "metrics": [...], "unnamedSelectors": n,
// "selectors": [{"metric", "matchers": [{"name", "type", "value"}]}], "groupings": [{"kind", "labels"}]}, in
// input order (selectors and groupings let a test check that every selector carries the dashboard's scope
// matchers and every aggregation and vector match keeps the cluster apart). Exit status 0 whenever the input itself was readable, so one run reports every problem.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

type query struct {
	ID   string `json:"id"`
	Expr string `json:"expr"`
}

type matcher struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

type selector struct {
	Metric   string    `json:"metric"`
	Matchers []matcher `json:"matchers"`
}

// An aggregation's by/without list or a binary operation's on/ignoring list.
type grouping struct {
	Kind   string   `json:"kind"`
	Labels []string `json:"labels"`
}

type result struct {
	ID      string   `json:"id"`
	OK      bool     `json:"ok"`
	Error   string   `json:"error,omitempty"`
	Metrics []string `json:"metrics"`
	// Selectors without a literal metric name (e.g. {__name__=~"..."}), which no inventory can check.
	UnnamedSelectors int `json:"unnamedSelectors"`
	// Every vector selector (instant or inside a range), in the order they appear.
	Selectors []selector `json:"selectors"`
	// Every by/without clause of an aggregation with one, and every on/ignoring clause of a vector match.
	Groupings []grouping `json:"groupings"`
}

func check(p parser.Parser, q query) result {
	r := result{ID: q.ID, Metrics: []string{}, Selectors: []selector{}, Groupings: []grouping{}}
	expr, err := p.ParseExpr(q.Expr)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	r.OK = true
	names := map[string]struct{}{}
	parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
		switch n := node.(type) {
		case *parser.AggregateExpr:
			if n.Without {
				r.Groupings = append(r.Groupings, grouping{Kind: "without", Labels: append([]string{}, n.Grouping...)})
			} else if len(n.Grouping) > 0 {
				r.Groupings = append(r.Groupings, grouping{Kind: "by", Labels: append([]string{}, n.Grouping...)})
			}
		case *parser.BinaryExpr:
			if m := n.VectorMatching; m != nil && (m.On || len(m.MatchingLabels) > 0) {
				kind := "ignoring"
				if m.On {
					kind = "on"
				}
				r.Groupings = append(r.Groupings, grouping{Kind: kind, Labels: append([]string{}, m.MatchingLabels...)})
			}
		}
		vs, ok := node.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		if name == "" {
			for _, m := range vs.LabelMatchers {
				if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
					name = m.Value
				}
			}
		}
		sel := selector{Metric: name, Matchers: []matcher{}}
		for _, m := range vs.LabelMatchers {
			if m.Name != labels.MetricName {
				sel.Matchers = append(sel.Matchers, matcher{Name: m.Name, Type: m.Type.String(), Value: m.Value})
			}
		}
		r.Selectors = append(r.Selectors, sel)
		if name == "" {
			r.UnnamedSelectors++
		} else {
			names[name] = struct{}{}
		}
		return nil
	})
	for n := range names {
		r.Metrics = append(r.Metrics, n)
	}
	sort.Strings(r.Metrics)
	return r
}

func main() {
	var queries []query
	if err := json.NewDecoder(os.Stdin).Decode(&queries); err != nil {
		fmt.Fprintf(os.Stderr, "promql-check: reading queries: %v\n", err)
		os.Exit(2)
	}
	// The parser as Prometheus 3.16 configures it by default: no experimental functions.
	p := parser.NewParser(parser.Options{})
	results := make([]result, 0, len(queries))
	for _, q := range queries {
		results = append(results, check(p, q))
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintf(os.Stderr, "promql-check: writing results: %v\n", err)
		os.Exit(2)
	}
}
