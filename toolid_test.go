package otc_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
)

func TestParseToolID(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		want    otc.ToolRef
		wantErr bool
	}{
		// OTC: DEF-1, VER-3
		{"DEF-1 no version", "Calculator.Add", otc.ToolRef{Toolkit: "Calculator", Name: "Add"}, false},
		{"DEF-1 digits and underscores", "my_kit2.do_it_3", otc.ToolRef{Toolkit: "my_kit2", Name: "do_it_3"}, false},
		// OTC: DEF-1, VER-2
		{"DEF-1 major version", "Calculator.Add@2", otc.ToolRef{Toolkit: "Calculator", Name: "Add", Selector: otc.MajorVersion, Version: otc.Version{Major: 2}}, false},
		// OTC: DEF-1, VER-1
		{"DEF-1 exact version", "Calculator.Add@1.2.3", otc.ToolRef{Toolkit: "Calculator", Name: "Add", Selector: otc.ExactVersion, Version: otc.Version{Major: 1, Minor: 2, Patch: 3}}, false},
		{"DEF-1 leading zeros", "A.B@01.02.03", otc.ToolRef{Toolkit: "A", Name: "B", Selector: otc.ExactVersion, Version: otc.Version{Major: 1, Minor: 2, Patch: 3}}, false},
		{"DEF-1 empty", "", otc.ToolRef{}, true},
		{"DEF-1 no dot", "CalculatorAdd", otc.ToolRef{}, true},
		{"DEF-1 two dots", "A.B.C", otc.ToolRef{}, true},
		{"DEF-1 empty toolkit", ".Add", otc.ToolRef{}, true},
		{"DEF-1 empty tool", "Calculator.", otc.ToolRef{}, true},
		{"DEF-1 dash", "Calc-ulator.Add", otc.ToolRef{}, true},
		{"DEF-1 space", "Calculator.Add ", otc.ToolRef{}, true},
		{"DEF-1 non-ASCII", "Calcülator.Add", otc.ToolRef{}, true},
		{"DEF-1 empty version", "A.B@", otc.ToolRef{}, true},
		{"DEF-1 x.y version", "A.B@1.2", otc.ToolRef{}, true},
		{"DEF-1 four-part version", "A.B@1.2.3.4", otc.ToolRef{}, true},
		{"DEF-1 v prefix", "A.B@v1", otc.ToolRef{}, true},
		{"DEF-1 pre-release", "A.B@1.0.0-rc1", otc.ToolRef{}, true},
		{"DEF-1 negative", "A.B@-1", otc.ToolRef{}, true},
		{"DEF-1 two at signs", "A.B@1@2", otc.ToolRef{}, true},
		{"DEF-1 version beyond uint64", "A.B@99999999999999999999", otc.ToolRef{}, true},
		{"DEF-1 too long", "A." + strings.Repeat("B", otc.MaxToolIDLength), otc.ToolRef{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := otc.ParseToolID(tt.id)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseToolID(%q) = %+v, want an error", tt.id, got)
				}
				if len(err.Error()) > 200 {
					t.Errorf("error of %d bytes; outside input must be truncated", len(err.Error()))
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseToolID(%q): %v", tt.id, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseToolID(%q) (-want +got):\n%s", tt.id, diff)
			}
		})
	}
}

func TestIsIdentifier(t *testing.T) {
	tests := []struct {
		name string
		s    string
		want bool
	}{
		// OTC: DEF-1
		{"letters", "Calculator", true},
		{"digits and underscores", "my_kit_2", true},
		{"digits only", "42", true},
		{"empty", "", false},
		{"dot", "A.B", false},
		{"dash", "Calc-ulator", false},
		{"space", "Add ", false},
		{"wildcard", "*", false},
		{"non-ASCII", "Calcülator", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := otc.IsIdentifier(tt.s); got != tt.want {
				t.Errorf("IsIdentifier(%q) = %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}

func TestToolRefString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Calculator.Add", "Calculator.Add"},
		{"Calculator.Add@2", "Calculator.Add@2"},
		{"Calculator.Add@02", "Calculator.Add@2"},
		{"Calculator.Add@1.2.3", "Calculator.Add@1.2.3"},
		{"Calculator.Add@01.2.03", "Calculator.Add@1.2.3"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ref, err := otc.ParseToolID(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := ref.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if got := ref.QualifiedName(); got != "Calculator.Add" {
				t.Errorf("QualifiedName() = %q", got)
			}
		})
	}
}

func FuzzParseToolID(f *testing.F) {
	for _, s := range []string{"Calculator.Add", "Calculator.Add@1", "Calculator.Add@1.2.3", "A.B@01.0.0", "", ".", "A.B@", "A.B@1.2", "A.B@1@2", "Ä.B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := otc.ParseToolID(s)
		if err != nil {
			if len(err.Error()) > 400 { // 80 bytes of input quoted once, each escaped as \xNN at worst
				t.Errorf("error of %d bytes", len(err.Error()))
			}
			return
		}
		// OTC: DEF-1 — whatever parses matches the pattern, and its
		// canonical form parses back to the same reference.
		if !toolIDPattern.MatchString(s) {
			t.Errorf("ParseToolID accepted %q, which does not match the DEF-1 pattern", s)
		}
		again, err := otc.ParseToolID(ref.String())
		if err != nil {
			t.Fatalf("canonical form %q does not parse: %v", ref.String(), err)
		}
		if again != ref {
			t.Errorf("round trip changed %+v to %+v", ref, again)
		}
	})
}
