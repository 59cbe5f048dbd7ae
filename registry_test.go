package otc_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
)

// rawTool returns a tool without parameters for registry tests.
func rawTool(t testing.TB, toolkit, name, version string) *otc.Tool {
	t.Helper()
	tool, err := otc.NewRawTool(otc.ToolSpec{Toolkit: toolkit, Name: name, Version: version, Description: "d"}, nil, nil, echo)
	if err != nil {
		t.Fatal(err)
	}
	return tool
}

func ids(tools []*otc.Tool) []string {
	out := make([]string, len(tools))
	for i, t := range tools {
		out[i] = t.ID()
	}
	return out
}

// calculatorRegistry holds several versions of Calculator.Add, registered
// out of order, and one version of another tool.
func calculatorRegistry(t testing.TB) *otc.Registry {
	t.Helper()
	r := otc.NewRegistry()
	err := r.Register(
		rawTool(t, "Calculator", "Add", "1.1.0"),
		rawTool(t, "Calculator", "Add", "2.0.0"),
		rawTool(t, "Calculator", "Add", "1.0.0"),
		rawTool(t, "Calculator", "Add", "1.10.0"),
		rawTool(t, "Calculator", "Add", "1.9.3"),
		rawTool(t, "Calculator", "Add", "3.1.0"),
		rawTool(t, "Doorbell", "Ring", "0.1.0"),
	)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestResolve(t *testing.T) {
	r := calculatorRegistry(t)
	tests := []struct {
		name     string
		toolID   string
		want     string   // resolved id, or "" for an error
		wantCode otc.Code // when want is ""
	}{
		// OTC: VER-1
		{"VER-1 exact version", "Calculator.Add@1.1.0", "Calculator.Add@1.1.0", ""},
		{"VER-1 exact version compared as numbers", "Calculator.Add@1.10.0", "Calculator.Add@1.10.0", ""},
		{"VER-1 leading zeros name the same version", "Calculator.Add@01.1.00", "Calculator.Add@1.1.0", ""},
		{"VER-1 missing exact version", "Calculator.Add@1.2.0", "", otc.CodeVersionNotAvailable},
		// OTC: VER-2
		{"VER-2 major means x.0.0, not the newest 1.x", "Calculator.Add@1", "Calculator.Add@1.0.0", ""},
		{"VER-2 major 2", "Calculator.Add@2", "Calculator.Add@2.0.0", ""},
		{"VER-2 major without x.0.0 is not available", "Calculator.Add@3", "", otc.CodeVersionNotAvailable},
		{"VER-2 unknown major", "Calculator.Add@4", "", otc.CodeVersionNotAvailable},
		{"VER-2 major 0", "Doorbell.Ring@0", "", otc.CodeVersionNotAvailable},
		// OTC: VER-3
		{"VER-3 newest", "Calculator.Add", "Calculator.Add@3.1.0", ""},
		{"VER-3 a single version", "Doorbell.Ring", "Doorbell.Ring@0.1.0", ""},
		// OTC: CALL-3
		{"unknown tool", "Calculator.Subtract", "", otc.CodeUnknownTool},
		{"unknown toolkit", "Abacus.Add@1.0.0", "", otc.CodeUnknownTool},
		{"names are case-sensitive", "calculator.add", "", otc.CodeUnknownTool},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, err := otc.ParseToolID(tt.toolID)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Resolve(ref)
			if tt.want != "" {
				if err != nil {
					t.Fatalf("Resolve: %v", err)
				}
				if got.ID() != tt.want {
					t.Errorf("Resolve(%s) = %s, want %s", tt.toolID, got.ID(), tt.want)
				}
				return
			}
			var e *otc.Error
			if !errors.As(err, &e) {
				t.Fatalf("Resolve error = %v (%T), want an *otc.Error", err, err)
			}
			if e.Code != tt.wantCode || e.HTTPStatus() != 400 {
				t.Errorf("code = %s (status %d), want %s (400)", e.Code, e.HTTPStatus(), tt.wantCode)
			}
			if e.Message == "" {
				t.Error("Message is empty")
			}
		})
	}
}

func TestResolveVersionNotAvailableListsVersions(t *testing.T) {
	r := calculatorRegistry(t)
	_, err := r.Resolve(otc.ToolRef{Toolkit: "Calculator", Name: "Add", Selector: otc.MajorVersion, Version: otc.Version{Major: 3}})
	var e *otc.Error
	if !errors.As(err, &e) {
		t.Fatalf("want an *otc.Error, got %v", err)
	}
	want := "available versions: 1.0.0, 1.1.0, 1.9.3, 1.10.0, 2.0.0, 3.1.0"
	if e.DeveloperMessage != want {
		t.Errorf("DeveloperMessage = %q, want %q", e.DeveloperMessage, want)
	}
}

func TestToolsOrder(t *testing.T) {
	r := calculatorRegistry(t)
	want := []string{
		"Calculator.Add@1.0.0", "Calculator.Add@1.1.0", "Calculator.Add@1.9.3", "Calculator.Add@1.10.0",
		"Calculator.Add@2.0.0", "Calculator.Add@3.1.0", "Doorbell.Ring@0.1.0",
	}
	got := r.Tools()
	if diff := cmp.Diff(want, ids(got)); diff != "" {
		t.Errorf("Tools() (-want +got):\n%s", diff)
	}
	got[0] = nil // the slice is the caller's
	if r.Tools()[0] == nil {
		t.Error("changing the slice Tools returned changed the registry")
	}
}

func TestRegisterAllOrNothing(t *testing.T) {
	tests := []struct {
		name  string
		tools func(t *testing.T) []*otc.Tool
		field string
	}{
		// OTC: DEF-1
		{"DEF-1 an id already registered", func(t *testing.T) []*otc.Tool {
			return []*otc.Tool{rawTool(t, "New", "Tool", "1.0.0"), rawTool(t, "Calculator", "Add", "1.0.0")}
		}, "id"},
		{"DEF-1 an id twice in one call", func(t *testing.T) []*otc.Tool {
			return []*otc.Tool{rawTool(t, "New", "Tool", "1.0.0"), rawTool(t, "New", "Tool", "1.0.0")}
		}, "id"},
		// OTC: DEF-2
		{"DEF-2 a served name another tool uses", func(t *testing.T) []*otc.Tool {
			return []*otc.Tool{rawTool(t, "New", "Tool", "1.0.0"), rawTool(t, "Calculator_Add", "X", "1.0.0"), rawTool(t, "Calculator", "Add_X", "1.0.0")}
		}, "name"},
		{"nil tool", func(t *testing.T) []*otc.Tool {
			return []*otc.Tool{rawTool(t, "New", "Tool", "1.0.0"), nil}
		}, "tools[1]"},
		{"zero tool", func(t *testing.T) []*otc.Tool {
			return []*otc.Tool{rawTool(t, "New", "Tool", "1.0.0"), {}}
		}, "tools[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calculatorRegistry(t)
			before, gen := ids(r.Tools()), r.Generation()
			err := r.Register(tt.tools(t)...)
			var de *otc.DefinitionError
			if !errors.As(err, &de) || de.Field != tt.field {
				t.Fatalf("Register = %v, want a *DefinitionError about %q", err, tt.field)
			}
			if diff := cmp.Diff(before, ids(r.Tools())); diff != "" {
				t.Errorf("a failed Register changed the tools (-before +after):\n%s", diff)
			}
			if r.Generation() != gen {
				t.Errorf("a failed Register changed the generation")
			}
			if _, err := r.Resolve(otc.ToolRef{Toolkit: "New", Name: "Tool"}); err == nil {
				t.Errorf("a tool of a failed Register resolves")
			}
		})
	}
}

func TestRegisterVersionsCoexist(t *testing.T) {
	// OTC: DEF-3 (several versions of one tool may coexist; their served
	// name is the same)
	r := otc.NewRegistry()
	if err := r.Register(rawTool(t, "A", "B", "1.0.0")); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(rawTool(t, "A", "B", "2.0.0")); err != nil {
		t.Fatalf("registering a second version: %v", err)
	}
	if diff := cmp.Diff([]string{"A.B@1.0.0", "A.B@2.0.0"}, ids(r.Tools())); diff != "" {
		t.Errorf("Tools() (-want +got):\n%s", diff)
	}
}

func TestGeneration(t *testing.T) {
	r := otc.NewRegistry()
	if g := r.Generation(); g != 0 {
		t.Errorf("empty registry generation = %d, want 0", g)
	}
	if err := r.Register(); err != nil {
		t.Fatal(err)
	}
	if g := r.Generation(); g != 0 {
		t.Errorf("registering nothing changed the generation to %d", g)
	}
	seen := map[uint64]bool{0: true}
	for i := range 3 {
		if err := r.Register(rawTool(t, "T", fmt.Sprint("N", i), "1.0.0")); err != nil {
			t.Fatal(err)
		}
		g := r.Generation()
		if seen[g] {
			t.Errorf("generation %d repeated after a change", g)
		}
		seen[g] = true
	}
	if len(r.Tools()) != 3 {
		t.Errorf("%d tools, want 3", len(r.Tools()))
	}
}

func TestRegistryConcurrentUse(t *testing.T) {
	// Run with -race: Resolve, Tools and Generation while Register adds
	// versions of the tool being resolved.
	r := otc.NewRegistry()
	if err := r.Register(rawTool(t, "T", "N", "0.0.1")); err != nil {
		t.Fatal(err)
	}
	tools := make([]*otc.Tool, 50)
	for i := range tools {
		tools[i] = rawTool(t, "T", "N", fmt.Sprintf("1.%d.0", i))
	}
	ref, _ := otc.ParseToolID("T.N")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				if _, err := r.Resolve(ref); err != nil {
					t.Error(err)
					return
				}
				_ = r.Tools()
				_ = r.Generation()
			}
		})
	}
	for _, tool := range tools {
		if err := r.Register(tool); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	got, err := r.Resolve(ref)
	if err != nil || got.ID() != "T.N@1.49.0" {
		t.Errorf("Resolve(T.N) = %v, %v; want T.N@1.49.0", got, err)
	}
	if err := got.ValidateInput(nil); err != nil {
		t.Error(err)
	}
	if _, err := got.Call(context.Background(), nil); err != nil {
		t.Error(err)
	}
}
