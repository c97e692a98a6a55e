// regex-check runs regular expressions in Go's regexp package (RE2 syntax, the engine Grafana Alloy's
// loki.process stages and LogQL line filters use) and prints what each one captures.
//
// stdin:  {"patterns": {"<name>": "<regex>"}, "cases": [{"pattern": "<name>", "text": "<line>"}]}
// stdout: {"compileErrors": {"<name>": "<error>"}, "results": [{"<group>": "<value>"} or null, ...]}
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

type input struct {
	Patterns map[string]string `json:"patterns"`
	Cases    []struct {
		Pattern string `json:"pattern"`
		Text    string `json:"text"`
	} `json:"cases"`
}

type output struct {
	CompileErrors map[string]string   `json:"compileErrors"`
	Results       []map[string]string `json:"results"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "regex-check: bad input:", err)
		os.Exit(2)
	}
	out := output{CompileErrors: map[string]string{}, Results: []map[string]string{}}
	compiled := map[string]*regexp.Regexp{}
	for name, pattern := range in.Patterns {
		re, err := regexp.Compile(pattern)
		if err != nil {
			out.CompileErrors[name] = err.Error()
			continue
		}
		compiled[name] = re
	}
	for _, c := range in.Cases {
		re := compiled[c.Pattern]
		if re == nil {
			out.Results = append(out.Results, nil)
			continue
		}
		m := re.FindStringSubmatchIndex(c.Text)
		if m == nil {
			out.Results = append(out.Results, nil)
			continue
		}
		groups := map[string]string{}
		for i, name := range re.SubexpNames() {
			// A group that did not take part in the match is absent, as in JavaScript's match.groups.
			if name != "" && m[2*i] >= 0 {
				groups[name] = c.Text[m[2*i]:m[2*i+1]]
			}
		}
		out.Results = append(out.Results, groups)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}
