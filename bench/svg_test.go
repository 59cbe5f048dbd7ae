package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

func sampleReport() *Report {
	return &Report{
		Machine:  Machine{NumCPU: 2, CPUModel: "AMD EPYC <test> & co", GoVersion: "go1.27.3", OS: "linux", Arch: "amd64"},
		Settings: Settings{Concurrency: 32, WarmupS: 2, DurationS: 10, GeneratorProcs: 1},
		Targets: []TargetResult{
			{Name: tCeiling, Label: "ceiling: bare net/http", RPS: 40000, P99US: 4000},
			{Name: tOTCJWT, Label: "otc, JWT", RPS: 28000, P99US: 6000},
			{Name: tMCPGo, Label: "mcp-go <v1.6.0> & friends", RPS: 10000, P99US: 15000},
			{Name: tGoSDK, Label: "failed one", Failure: "did not start"},
		},
	}
}

func TestRenderSVGIsWellFormed(t *testing.T) {
	svg := renderSVG(sampleReport())
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var rects, texts int
	var root string
	var labels []string
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = el.Name.Local
				if el.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root namespace %q, want the SVG namespace", el.Name.Space)
				}
			}
			switch el.Name.Local {
			case "rect":
				rects++
			case "text":
				texts++
				inText = true
			}
		case xml.CharData:
			if inText {
				labels = append(labels, string(el))
			}
		case xml.EndElement:
			inText = false
		}
	}
	if root != "svg" {
		t.Errorf("root element %q, want svg", root)
	}
	// A background, then one bar per measured target in each of two panels.
	if want := 1 + 2*3; rects != want {
		t.Errorf("%d rects, want %d", rects, want)
	}
	all := strings.Join(labels, "\n")
	for _, want := range []string{"mcp-go <v1.6.0> & friends", "AMD EPYC <test> & co", "40000/s", "15.00ms"} {
		if !strings.Contains(all, want) {
			t.Errorf("text %q missing from the chart; texts:\n%s", want, all)
		}
	}
	if strings.Contains(all, "failed one") {
		t.Error("a failed target is drawn")
	}
}

func TestRenderSVGBarsAreProportional(t *testing.T) {
	svg := string(renderSVG(sampleReport()))
	// The fastest target's bar is the full width; one at 25% of it is a
	// quarter as long.
	for _, want := range []string{`width="470.0"`, `width="117.5"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("no bar with %s in\n%s", want, svg)
		}
	}
}
