// alloy-syntax parses Grafana Alloy configuration files with Alloy's own parser (the syntax module the
// pinned Alloy release builds with) and prints each file's blocks, or the parse errors with positions.
//
// usage: alloy-syntax <file>...   stdout: {"<file>": {"blocks": ["loki.process.parse", ...]}} | exit 1 on errors
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/grafana/alloy/syntax/ast"
	"github.com/grafana/alloy/syntax/parser"
)

func main() {
	result := map[string]map[string][]string{}
	failed := false
	for _, file := range os.Args[1:] {
		src, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		f, err := parser.ParseFile(file, src)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			failed = true
			continue
		}
		blocks := []string{}
		for _, stmt := range f.Body {
			if b, ok := stmt.(*ast.BlockStmt); ok {
				name := strings.Join(b.Name, ".")
				if b.Label != "" {
					name += "." + b.Label
				}
				blocks = append(blocks, name)
			}
		}
		result[file] = map[string][]string{"blocks": blocks}
	}
	if failed {
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(result)
}
