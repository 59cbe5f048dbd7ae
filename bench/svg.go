package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"strings"
)

// The chart is two panels of horizontal bars, one bar per target: requests
// per second (longer is better) and p99 latency (shorter is better), with
// the machine and load settings underneath. It is written by hand: a few
// rectangles and labels do not justify a plotting dependency.
const (
	svgWidth    = 880
	svgLabelW   = 290 // left column for target labels
	svgBarMaxW  = 470 // the longest bar
	svgRowH     = 24
	svgBarH     = 16
	svgPanelGap = 36
	svgMargin   = 16
)

// barColor gives the ceiling, otc and the MCP peers a color each, so that
// the families read at a glance.
func barColor(name string) string {
	switch {
	case name == tCeiling:
		return "#8c8c8c"
	case strings.HasPrefix(name, "otc"):
		return "#2f6fb0"
	}
	return "#e07b28"
}

// svgPanel is one chart panel.
type svgPanel struct {
	title string
	value func(TargetResult) float64
	unit  func(float64) string
}

// renderSVG returns the chart of r as an SVG document.
func renderSVG(r *Report) []byte {
	var targets []TargetResult
	for _, t := range r.Targets {
		if t.Failure == "" {
			targets = append(targets, t)
		}
	}
	panels := []svgPanel{
		{title: "Requests per second (higher is better)", value: func(t TargetResult) float64 { return t.RPS },
			unit: func(v float64) string { return fmt.Sprintf("%.0f/s", v) }},
		{title: "p99 latency (lower is better)", value: func(t TargetResult) float64 { return t.P99US },
			unit: fmtUS},
	}
	panelH := 28 + len(targets)*svgRowH
	height := svgMargin + 30 + len(panels)*(panelH+svgPanelGap) + 40

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="13">`+"\n",
		svgWidth, height, svgWidth, height)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", svgWidth, height)
	y := svgMargin + 18
	text(&b, svgMargin, y, "start", "bold", 16, "otc benchmark: one tool call per request over loopback, closed loop")
	y += 12
	for _, p := range panels {
		y += svgPanelGap - 10
		text(&b, svgMargin, y, "start", "bold", 14, p.title)
		y += 10
		top := 0.0
		for _, t := range targets {
			top = math.Max(top, p.value(t))
		}
		for _, t := range targets {
			v := p.value(t)
			w := 0.0
			if top > 0 {
				w = math.Max(1, v/top*svgBarMaxW)
			}
			text(&b, svgLabelW-8, y+svgBarH-3, "end", "normal", 13, t.Label)
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n",
				svgLabelW, y, w, svgBarH, barColor(t.Name))
			text(&b, svgLabelW+int(w)+6, y+svgBarH-3, "start", "normal", 12, p.unit(v))
			y += svgRowH
		}
	}
	m, s := r.Machine, r.Settings
	y += 24
	text(&b, svgMargin, y, "start", "normal", 11, fmt.Sprintf("%d CPUs, %s, %s %s/%s, load average %s before the run",
		m.NumCPU, m.CPUModel, m.GoVersion, m.OS, m.Arch, m.LoadBefore))
	y += 16
	rounds := ""
	if s.Rounds > 1 {
		rounds = fmt.Sprintf(", median of %d rounds", s.Rounds)
	}
	text(&b, svgMargin, y, "start", "normal", 11, fmt.Sprintf("%d connections, %.3g s per target after %.3g s warm-up%s; generator GOMAXPROCS=%d; each server in its own process",
		s.Concurrency, s.DurationS, s.WarmupS, rounds, s.GeneratorProcs))
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// text writes a <text> element with s escaped.
func text(b *bytes.Buffer, x, y int, anchor, weight string, size int, s string) {
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="%s" font-weight="%s" font-size="%d">`, x, y, anchor, weight, size)
	_ = xml.EscapeText(b, []byte(s)) // writing to a bytes.Buffer cannot fail
	b.WriteString("</text>\n")
}

// writeSVG writes the chart of r to path.
func (r *Report) writeSVG(path string) error {
	return os.WriteFile(path, renderSVG(r), 0o644)
}
