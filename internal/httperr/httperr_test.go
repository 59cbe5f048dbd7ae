package httperr

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name       string
		schema     string
		err        error
		wantStatus int
		wantRetry  string
		wantBody   map[string]any
	}{
		{
			name: "unknown tool is 400 (CALL-3)", schema: otc.SchemaOTC,
			err:        &otc.Error{Code: otc.CodeUnknownTool, Message: "No such tool.", DeveloperMessage: "dev"},
			wantStatus: 400,
			wantBody:   map[string]any{"$schema": "otc://1.0", "message": "No such tool.", "developer_message": "dev"},
		},
		{
			name:       "invalid input is 422 with parameter_errors (CALL-4)",
			err:        &otc.Error{Code: otc.CodeInvalidInput, Message: "bad", ParameterErrors: map[string]string{"a": "is required"}},
			wantStatus: 422,
			wantBody:   map[string]any{"message": "bad", "parameter_errors": map[string]any{"a": "is required"}},
		},
		{
			name:       "retry after rounds up to whole seconds",
			err:        &otc.Error{Code: otc.CodeRateLimited, Message: "slow down", RetryAfter: 1500 * time.Millisecond},
			wantStatus: 429, wantRetry: "2",
			wantBody: map[string]any{"message": "slow down"},
		},
		{
			name: "missing requirements name what is missing (REQ-3)",
			err: &otc.Error{Code: otc.CodeMissingRequirements, Message: "missing",
				MissingRequirements: &otc.MissingRequirements{Secrets: []otc.SecretRequirement{{ID: "S"}}}},
			wantStatus: 400,
			wantBody:   map[string]any{"message": "missing", "missing_requirements": map[string]any{"secrets": []any{map[string]any{"id": "S"}}}},
		},
		{
			name:       "wrapped protocol error keeps its code",
			err:        fmt.Errorf("context: %w", &otc.Error{Code: otc.CodeUnauthenticated, Message: "no"}),
			wantStatus: 401,
			wantBody:   map[string]any{"message": "no"},
		},
		{
			name:       "any other error is a 500 that hides its text",
			err:        errors.New("database password is hunter2"),
			wantStatus: 500,
			wantBody:   map[string]any{"message": "The server failed to process the request."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			returned := Write(w, tt.schema, tt.err)
			if w.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if returned != w.Code {
				t.Errorf("Write returned %d, sent %d", returned, w.Code)
			}
			if got := w.Header().Get("Retry-After"); got != tt.wantRetry {
				t.Errorf("Retry-After = %q, want %q", got, tt.wantRetry)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", w.Body.String(), err)
			}
			if diff := cmp.Diff(tt.wantBody, body); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteStatusTable(t *testing.T) {
	// Every code renders with the status of the one table (Code.HTTPStatus).
	for _, code := range []otc.Code{otc.CodeBadRequest, otc.CodeForbidden, otc.CodeNotFound, otc.CodeMethodNotAllowed,
		otc.CodePayloadTooLarge, otc.CodeUnsupportedMediaType, otc.CodeShuttingDown, otc.CodeRequestTimeout} {
		w := httptest.NewRecorder()
		Write(w, "", otc.NewError(code, "m"))
		if w.Code != code.HTTPStatus() || w.Code == http.StatusInternalServerError {
			t.Errorf("%s: status %d, table says %d", code, w.Code, code.HTTPStatus())
		}
	}
}
