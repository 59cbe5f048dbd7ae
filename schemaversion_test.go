package otc_test

import (
	"errors"
	"testing"

	"github.com/otc-dev/otc"
)

func TestNegotiateSchema(t *testing.T) {
	tests := []struct {
		name      string
		requested string
		want      string // "" means unsupported
	}{
		// OTC: SCHEMA-2, COMPAT-3
		{"SCHEMA-2 none means the latest, as otc://1.0", "", otc.SchemaOTC},
		// OTC: SCHEMA-1, COMPAT-3
		{"SCHEMA-1 OTC shorthand", "otc://1.0", otc.SchemaOTC},
		{"SCHEMA-1 OTC URL", "https://opentoolcalling.org/openapi/1.0.json", otc.SchemaOTCURL},
		{"COMPAT-3 OXP shorthand", "urn:oxp:1.0", otc.SchemaOXP},
		{"COMPAT-3 OXP URL", "https://openexecprotocol.org/openapi/1.0.json", otc.SchemaOXPURL},
		{"COMPAT-3 leading zeros answer in canonical form", "otc://01.00", otc.SchemaOTC},
		// OTC: SCHEMA-3, COMPAT-3
		{"SCHEMA-3 newer minor", "otc://1.1", ""},
		{"SCHEMA-3 newer minor by URL", "https://openexecprotocol.org/openapi/1.1.json", ""},
		{"SCHEMA-3 other major", "otc://2.0", ""},
		{"SCHEMA-3 major 0", "urn:oxp:0.9", ""},
		{"SCHEMA-3 no minor", "otc://1", ""},
		{"SCHEMA-3 three parts", "otc://1.0.0", ""},
		{"SCHEMA-3 negative", "otc://-1.0", ""},
		{"SCHEMA-3 sign", "otc://+1.0", ""},
		{"SCHEMA-3 unknown scheme", "https://example.com/openapi/1.0.json", ""},
		{"SCHEMA-3 upper case", "OTC://1.0", ""},
		{"SCHEMA-3 URL without .json", "https://opentoolcalling.org/openapi/1.0", ""},
		{"SCHEMA-3 long number", "otc://00001.0", ""},
		{"SCHEMA-3 garbage", "not a schema", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := otc.NegotiateSchema(tt.requested)
			if tt.want != "" {
				if err != nil || got != tt.want {
					t.Errorf("NegotiateSchema(%q) = %q, %v; want %q", tt.requested, got, err, tt.want)
				}
				return
			}
			var e *otc.Error
			if !errors.As(err, &e) || e.Code != otc.CodeUnsupportedVersion || e.HTTPStatus() != 400 {
				t.Errorf("NegotiateSchema(%q) = %q, %v; want an unsupported_version error (400)", tt.requested, got, err)
			}
		})
	}
}
