package otc

import (
	"errors"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func TestCompileSchemaLoadsNothing(t *testing.T) {
	// The definition checks refuse $ref before compiling; this proves the
	// compiler itself, behind them, cannot be made to read a file or the
	// network either.
	tests := []struct {
		name string
		doc  map[string]any
	}{
		{"file reference", map[string]any{"$ref": "file:///etc/passwd"}},
		{"relative file reference", map[string]any{"$ref": "passwd.json"}},
		{"network reference", map[string]any{"$ref": "https://example.com/schema.json"}},
		{"custom meta-schema", map[string]any{"$schema": "https://example.com/meta.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileSchema(tt.doc)
			var le *jsonschema.LoadURLError
			if !errors.As(err, &le) || le.Err != errNoLoad {
				t.Errorf("compileSchema = %v, want the loader's refusal", err)
			}
		})
	}
}

func TestCompileSchemaAssertsFormats(t *testing.T) {
	sch, err := compileSchema(map[string]any{"type": "string", "format": "date-time"})
	if err != nil {
		t.Fatal(err)
	}
	if sch.Validate("yesterday") == nil {
		t.Error(`"format": "date-time" was not asserted`)
	}
	if err := sch.Validate("2025-01-02T03:04:05Z"); err != nil {
		t.Errorf("a valid date-time failed: %v", err)
	}
}

func TestTruncate(t *testing.T) {
	s := string(make([]byte, 79)) + "é" + "tail" // the cut falls inside "é"
	got := truncate(s)
	if got != string(make([]byte, 79))+"…" {
		t.Errorf("truncate cut inside a rune: %q", got)
	}
	if truncate("short") != "short" {
		t.Error("truncate changed a short string")
	}
}
