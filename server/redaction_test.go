package server

import (
	"context"
	"strings"
	"testing"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/store/memory"
)

// OTC: REQ-5, CALL-5: secrets, tokens and inputs reach the tool and nothing
// else: not the log, not an error, not the stored record, not the observer.
func TestSecretsNeverLeak(t *testing.T) {
	const (
		secret = "SECRET-VALUE-3f9a"
		token  = "TOKEN-VALUE-71cc"
		input  = "INPUT-VALUE-b602"
	)
	logger, logs := newLogger()
	obs := &recordingObserver{}
	st := memory.New(memory.Options{})
	s := newServer(t, Options{Logger: logger, Observer: obs, Store: st, ValidateOutput: true})
	ctx := otc.WithCaller(context.Background(), &otc.Caller{Method: "jwt", Name: "agent"})
	secretCtx := `"context":{"secrets":[{"id":"DEMO_SECRET","value":"` + secret + `"}],"authorization":[{"id":"demo","token":"` + token + `"}],"user_id":"u1"}`
	bodies := []string{
		// Successful calls, with and without a call_id.
		`{"request":{"tool_id":"Demo.SecretFingerprint",` + secretCtx + `}}`,
		`{"request":{"call_id":"c1","tool_id":"Demo.SecretFingerprint",` + secretCtx + `}}`,
		`{"request":{"call_id":"c1","tool_id":"Demo.SecretFingerprint",` + secretCtx + `}}`,
		`{"request":{"call_id":"c2","tool_id":"Demo.WhoAmI",` + secretCtx + `}}`,
		// Missing requirements while other secrets are sent.
		`{"request":{"tool_id":"Demo.WhoAmI","context":{"secrets":[{"id":"DEMO_SECRET","value":"` + secret + `"}]}}}`,
		`{"request":{"tool_id":"Demo.SecretFingerprint","context":{"secrets":[{"id":"WRONG","value":"` + secret + `"}],"authorization":[{"id":"demo","token":"` + token + `"}]}}}`,
		// Conflicting reuse of a call_id.
		`{"request":{"call_id":"c1","tool_id":"Demo.WhoAmI",` + secretCtx + `}}`,
		// Bad inputs: invalid for the schema, duplicate keys, bad UTF-8.
		`{"request":{"tool_id":"Calculator.Add@1","input":{"a":"` + input + `","b":2},` + secretCtx + `}}`,
		`{"request":{"tool_id":"Calculator.Add@1","input":{"` + input + `":1,"a":1,"b":2},` + secretCtx + `}}`,
		`{"request":{"tool_id":"Test.Echo","input":{"k":"` + input + `","K":"` + input + `"}}}`,
		"{\"request\":{\"tool_id\":\"Test.Echo\",\"input\":{\"k\":\"" + input + "\xff\"}}}",
		`{"request":{"tool_id":"Demo.SecretFingerprint","context":{"secrets":[{"id":"DEMO_SECRET","value":"` + secret + `","value":"` + secret + `"}]}}}`,
		`{"request":{"tool_id":"Calculator.Add@1","context":{"secrets":[{"id":"X","value":"` + secret + `"}]},"nope":"` + input + `"}}`,
		// A tool bug: its value is not logged either.
		`{"request":{"tool_id":"Test.BadOutput",` + secretCtx + `}}`,
		`{"request":{"tool_id":"Demo.Fail","input":{"mode":"panic"},` + secretCtx + `}}`,
	}
	for _, b := range bodies {
		rec := serve(s.Handler(), request{method: "POST", path: "/tools/call", body: b, ctx: ctx})
		for _, v := range []string{secret, token} {
			if strings.Contains(rec.Body.String(), v) {
				t.Errorf("response echoes a secret or token:\n%s\n%s", b, rec.Body)
			}
		}
		// A 422 may name the client's own parameters back to it
		// (parameter_errors); other refusals repeat nothing of the input.
		if rec.Code != 200 && rec.Code != 422 && strings.Contains(rec.Body.String(), input) {
			t.Errorf("error response echoes the input:\n%s\n%s", b, rec.Body)
		}
	}
	if logs.String() == "" {
		t.Fatal("nothing was logged")
	}
	for _, v := range []string{secret, token, input} {
		if strings.Contains(logs.String(), v) {
			t.Errorf("the log holds %q:\n%s", v, logs)
		}
	}
	if got := strings.Join(obs.take(), "\n"); strings.Contains(got, secret) || strings.Contains(got, token) {
		t.Errorf("the observer saw a secret:\n%s", got)
	}
	for _, id := range []string{"c1", "c2"} {
		rec, err := st.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		all := rec.Digest + string(rec.Response) + rec.Owner + rec.OwnerBoot
		for _, v := range []string{secret, token} {
			if strings.Contains(all, v) {
				t.Errorf("record %s holds %q", id, v)
			}
		}
	}
}
