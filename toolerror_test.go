package otc_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
)

func TestToolErrorJSON(t *testing.T) {
	tests := []struct {
		name string
		err  *otc.ToolError
		want string
	}{
		// OTC: CALL-9
		{"CALL-9 message only; can_retry defaults to false and is always sent", otc.NewToolError("no"),
			`{"message":"no","can_retry":false}`},
		{"CALL-9 every field", &otc.ToolError{Message: "m", DeveloperMessage: "d", CanRetry: true, AdditionalPromptContent: "p", RetryAfterMS: 250},
			`{"message":"m","developer_message":"d","can_retry":true,"additional_prompt_content":"p","retry_after_ms":250}`},
		{"CALL-9 retryable", otc.RetryableError("busy", 1500*time.Millisecond, "try later"),
			`{"message":"busy","can_retry":true,"additional_prompt_content":"try later","retry_after_ms":1500}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.err)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("JSON (-want +got):\n%s", diff)
			}
			if tt.err.Error() != tt.err.Message {
				t.Errorf("Error() = %q, want the message", tt.err.Error())
			}
		})
	}
}

func TestToolErrorRetryAfter(t *testing.T) {
	e := &otc.ToolError{RetryAfterMS: 1500}
	if got := e.RetryAfter(); got != 1500*time.Millisecond {
		t.Errorf("RetryAfter() = %v", got)
	}
}

func TestAsToolError(t *testing.T) {
	// OTC: CALL-9, CALL-5
	te := otc.RetryableError("busy", time.Second, "")
	tests := []struct {
		name string
		err  error
		want *otc.ToolError
	}{
		{"CALL-9 a ToolError is used as is", te, te},
		{"CALL-9 a wrapped ToolError is found", fmt.Errorf("calling backend: %w", te), te},
		{"CALL-5 another error becomes a generic message, its text only for developers", errors.New("dial tcp 10.0.0.1:5432: refused"),
			&otc.ToolError{Message: otc.GenericToolErrorMessage, DeveloperMessage: "dial tcp 10.0.0.1:5432: refused"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, otc.AsToolError(tt.err)); diff != "" {
				t.Errorf("AsToolError (-want +got):\n%s", diff)
			}
		})
	}
}
