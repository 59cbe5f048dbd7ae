package otc_test

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/otc-dev/otc"
)

func TestCodeHTTPStatus(t *testing.T) {
	tests := []struct {
		code otc.Code
		want int
	}{
		// OTC: CALL-3
		{otc.CodeBadRequest, 400},
		{otc.CodeUnsupportedVersion, 400},
		{otc.CodeUnknownTool, 400},
		{otc.CodeVersionNotAvailable, 400},
		{otc.CodeMissingRequirements, 400},
		{otc.CodeCallConflict, 400},
		{otc.CodeTemporarilyUnavailable, 400},
		// OTC: CALL-4
		{otc.CodeInvalidInput, 422},
		// OTC: AUTH-6, AUTH-12
		{otc.CodeUnauthenticated, 401},
		{otc.CodeForbidden, 403},
		{otc.CodeNotFound, 404},
		{otc.CodeMethodNotAllowed, 405},
		{otc.CodeRequestTimeout, 408},
		{otc.CodePayloadTooLarge, 413},
		{otc.CodeUnsupportedMediaType, 415},
		{otc.CodeRateLimited, 429},
		{otc.CodeShuttingDown, 503},
		{otc.CodeInternal, 500},
		{otc.Code("made_up"), 500},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			if got := tt.code.HTTPStatus(); got != tt.want {
				t.Errorf("HTTPStatus() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestError(t *testing.T) {
	e := otc.NewError(otc.CodeUnknownTool, "Unknown tool.").WithDeveloperMessage("no such id")
	if got, want := e.Error(), "unknown_tool: Unknown tool. (no such id)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := e.HTTPStatus(); got != 400 {
		t.Errorf("HTTPStatus() = %d", got)
	}

	cause := &otc.Error{Code: otc.CodeTemporarilyUnavailable, Message: "Busy.", Err: io.ErrUnexpectedEOF}
	wrapped := fmt.Errorf("claim: %w", cause)
	if !errors.Is(wrapped, io.ErrUnexpectedEOF) {
		t.Error("errors.Is does not reach the cause")
	}
	tests := []struct {
		name string
		err  error
		want otc.Code
	}{
		{"a wrapped *Error", wrapped, otc.CodeTemporarilyUnavailable},
		{"any other error", io.EOF, otc.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := otc.ErrorCode(tt.err); got != tt.want {
				t.Errorf("ErrorCode = %s, want %s", got, tt.want)
			}
		})
	}
}
