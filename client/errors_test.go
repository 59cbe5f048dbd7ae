package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/client"
)

func TestStatusErrors(t *testing.T) {
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter)
		check  func(t *testing.T, err error)
	}{
		// OTC: CALL-3, REQ-3
		{name: "400 missing requirements", answer: func(w http.ResponseWriter) {
			writeJSON(w, 400, otc.ServerErrorResponse{Message: "The tool needs a secret.", DeveloperMessage: "missing secret API_KEY",
				MissingRequirements: &otc.MissingRequirements{Secrets: []otc.SecretRequirement{{ID: "API_KEY"}}}})
		}, check: func(t *testing.T, err error) {
			var e *client.BadRequestError
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want *BadRequestError", err, err)
			}
			want := &client.BadRequestError{Message: "The tool needs a secret.", DeveloperMessage: "missing secret API_KEY",
				MissingRequirements: &otc.MissingRequirements{Secrets: []otc.SecretRequirement{{ID: "API_KEY"}}}}
			if diff := cmp.Diff(want, e); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		}},
		// OTC: AUTH-6, AUTH-12, AUTHZ-6
		{name: "401 with challenges", answer: func(w http.ResponseWriter) {
			w.Header().Add("WWW-Authenticate", `Bearer realm="otc", error="invalid_token"`)
			w.Header().Add("WWW-Authenticate", `OTC-API-Key realm="otc"`)
			writeJSON(w, 401, otc.ServerErrorResponse{Message: "Authentication required."})
		}, check: func(t *testing.T, err error) {
			var e *client.UnauthorizedError
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want *UnauthorizedError", err, err)
			}
			want := &client.UnauthorizedError{Message: "Authentication required.",
				Challenges: []string{`Bearer realm="otc", error="invalid_token"`, `OTC-API-Key realm="otc"`}}
			if diff := cmp.Diff(want, e); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		}},
		// OTC: CALL-4
		{name: "422 with parameter errors", answer: func(w http.ResponseWriter) {
			writeJSON(w, 422, otc.ValidationErrorResponse{Message: "Invalid input.",
				ParameterErrors: map[string]string{"b": "must be a number", "": "missing property a"}})
		}, check: func(t *testing.T, err error) {
			var e *client.ValidationError
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want *ValidationError", err, err)
			}
			want := &client.ValidationError{Message: "Invalid input.",
				ParameterErrors: map[string]string{"b": "must be a number", "": "missing property a"}}
			if diff := cmp.Diff(want, e); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got, want := err.Error(), "otc server rejected the input (422): Invalid input. (input: missing property a; b: must be a number)"; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
		}},
		{name: "429 with Retry-After is not retried", answer: func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "7")
			writeJSON(w, 429, otc.ServerErrorResponse{Message: "Too many requests."})
		}, check: func(t *testing.T, err error) {
			want := &client.StatusError{StatusCode: 429, Message: "Too many requests.", RetryAfter: 7 * time.Second}
			var e *client.StatusError
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want *StatusError", err, err)
			}
			if diff := cmp.Diff(want, e); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		}},
		{name: "500 with an HTML body", answer: func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(500)
			_, _ = w.Write([]byte("<html>oops</html>"))
		}, check: func(t *testing.T, err error) {
			want := &client.StatusError{StatusCode: 500, Message: "Internal Server Error"}
			var e *client.StatusError
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want *StatusError", err, err)
			}
			if diff := cmp.Diff(want, e); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		}},
		{name: "redirect is not followed", answer: func(w http.ResponseWriter) {
			w.Header().Set("Location", "http://elsewhere.example/tools/call")
			w.WriteHeader(http.StatusTemporaryRedirect)
		}, check: func(t *testing.T, err error) {
			var e *client.StatusError
			if !errors.As(err, &e) || e.StatusCode != http.StatusTemporaryRedirect {
				t.Fatalf("error %T %v, want *StatusError 307", err, err)
			}
			if !strings.Contains(err.Error(), "does not follow redirects") {
				t.Errorf("error %q does not explain the redirect", err)
			}
		}},
		{name: "a hostile message is cleaned", answer: func(w http.ResponseWriter) {
			writeJSON(w, 400, otc.ServerErrorResponse{Message: "bad\x1b[2J\ninput" + strings.Repeat("x", 2000)})
		}, check: func(t *testing.T, err error) {
			msg := err.Error()
			if strings.ContainsAny(msg, "\x1b\n") || len(msg) > 700 {
				t.Errorf("error not cleaned: %d bytes %q", len(msg), msg[:min(len(msg), 80)])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			srv := rec.serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) { tt.answer(w) })
			c, err := client.New(srv.URL, &client.Options{Clock: newFakeClock()})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CallTool(context.Background(), "Math.Add", nil, client.WithSecret("API_KEY", "s3cr3t-value"))
			if err == nil {
				t.Fatal("CallTool succeeded")
			}
			tt.check(t, err)
			// OTC: REQ-5 — what the call carried never shows in the error.
			if strings.Contains(err.Error(), "s3cr3t-value") {
				t.Errorf("error leaks the secret: %q", err)
			}
			if n := len(rec.Requests()); n != 1 {
				t.Errorf("%d requests, want 1 (4xx and 5xx other than 502-504 are never retried)", n)
			}
			_, err = c.ListTools(context.Background())
			tt.check(t, err)
		})
	}
}

func TestTransportError(t *testing.T) {
	var rec recorder
	srv := rec.serve(t, listOK)
	url := srv.URL
	srv.Close()
	clock := newFakeClock()
	c, err := client.New(url, &client.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"health": func() error { return c.Health(context.Background()) },
		"list":   func() error { _, err := c.ListTools(context.Background()); return err },
		"call":   func() error { _, err := c.CallTool(context.Background(), "Math.Add", nil); return err },
	} {
		t.Run(name, func(t *testing.T) {
			err := call()
			var te *client.TransportError
			if !errors.As(err, &te) {
				t.Fatalf("error %T %v, want *TransportError", err, err)
			}
			if !strings.HasPrefix(te.URL, url) {
				t.Errorf("URL = %q", te.URL)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		wantErr bool
	}{
		// OTC: HEALTH-2
		{name: "ready", status: 200},
		{name: "not ready", status: 503, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			srv := rec.serve(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				writeJSON(w, tt.status, map[string]string{"status": "whatever"})
			})
			c, err := client.New(srv.URL, &client.Options{Clock: newFakeClock()})
			if err != nil {
				t.Fatal(err)
			}
			err = c.Health(context.Background())
			if !tt.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var se *client.StatusError
			if !errors.As(err, &se) || se.StatusCode != tt.status {
				t.Fatalf("error %T %v, want *StatusError %d", err, err, tt.status)
			}
			if n := len(rec.Requests()); n != 1 {
				t.Errorf("%d requests, want 1: health is never retried", n)
			}
		})
	}
}

func TestResponseTooLarge(t *testing.T) {
	var rec recorder
	srv := rec.serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		success(w, "c1", strings.Repeat("x", 4096))
	})
	c, err := client.New(srv.URL, &client.Options{MaxResponseBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CallTool(context.Background(), "Math.Add", nil)
	var re *client.ResponseError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "exceeds 1024 bytes") {
		t.Fatalf("error %T %v, want *ResponseError about the size", err, err)
	}
}
