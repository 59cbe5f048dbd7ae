package server

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/memory"
)

func counterValue(t *testing.T, d decoded) int64 {
	t.Helper()
	var c struct{ Count int64 }
	if err := json.Unmarshal(d.Result.Value, &c); err != nil {
		t.Fatalf("Demo.Counter value %s: %v", d.Result.Value, err)
	}
	return c.Count
}

// OTC: CALL-6: a repeated call_id gets the first response, byte for byte,
// without running the tool again.
func TestIdempotentRepeat(t *testing.T) {
	clock := newStepClock(time.Millisecond) // every call has a different duration
	s := newServer(t, Options{Registry: newRegistry(t), Now: clock.Now})
	body := `{"request":{"call_id":"once","tool_id":"Demo.Counter"}}`
	first := post(s.Handler(), body)
	if first.Code != 200 {
		t.Fatalf("first call: %d %s", first.Code, first.Body)
	}
	for i := 0; i < 3; i++ {
		repeat := post(s.Handler(), body)
		if repeat.Code != 200 || repeat.Body.String() != first.Body.String() {
			t.Fatalf("repeat %d: %d %s; first was %s", i, repeat.Code, repeat.Body, first.Body)
		}
	}
	// Another spelling of the same request is the same request.
	if rec := post(s.Handler(), `{ "request" : { "tool_id" : "Demo.Counter@1.0.0" , "call_id" : "once", "input": {} } }`); rec.Body.String() != first.Body.String() {
		t.Errorf("respelled repeat: %s", rec.Body)
	}
	// The $schema is per response; the stored result is the same.
	oxp := post(s.Handler(), `{"$schema":"urn:oxp:1.0","request":{"call_id":"once","tool_id":"Demo.Counter"}}`)
	if want := strings.Replace(first.Body.String(), `"otc://1.0"`, `"urn:oxp:1.0"`, 1); oxp.Body.String() != want {
		t.Errorf("repeat in another $schema form:\n got %s\nwant %s", oxp.Body, want)
	}
	if n := counterValue(t, decode(t, post(s.Handler(), `{"request":{"tool_id":"Demo.Counter"}}`))); n != 2 {
		t.Errorf("Demo.Counter ran %d times in all, want 2 (once for the call_id, once without)", n)
	}
}

// OTC: CALL-6: the same call_id for a different request is refused.
func TestIdempotencyConflict(t *testing.T) {
	asCaller := func(name string) context.Context {
		return otc.WithCaller(context.Background(), &otc.Caller{Method: "api_key", Name: name})
	}
	tests := []struct {
		name  string
		body  string
		ctx   context.Context
		wantC bool // want a conflict
	}{
		{"same", `{"request":{"call_id":"k","tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`, asCaller("alice"), false},
		{"other input", `{"request":{"call_id":"k","tool_id":"Calculator.Add@1","input":{"a":1,"b":3}}}`, asCaller("alice"), true},
		{"other version", `{"request":{"call_id":"k","tool_id":"Calculator.Add@1.1.0","input":{"a":1,"b":2}}}`, asCaller("alice"), true},
		{"other tool", `{"request":{"call_id":"k","tool_id":"Calculator.Divide","input":{"a":1,"b":2}}}`, asCaller("alice"), true},
		{"other caller", `{"request":{"call_id":"k","tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`, asCaller("mallory"), true},
		{"other user", `{"request":{"call_id":"k","tool_id":"Calculator.Add@1","input":{"a":1,"b":2},"context":{"user_id":"bob"}}}`, asCaller("alice"), true},
		{"number spelled differently", `{"request":{"call_id":"k","tool_id":"Calculator.Add@1","input":{"a":1.0,"b":2}}}`, asCaller("alice"), true},
	}
	s := newServer(t, Options{Now: fixedNow})
	first := serve(s.Handler(), request{method: "POST", path: "/tools/call", ctx: asCaller("alice"), body: tests[0].body})
	if first.Code != 200 {
		t.Fatalf("first: %d %s", first.Code, first.Body)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(s.Handler(), request{method: "POST", path: "/tools/call", ctx: tc.ctx, body: tc.body})
			if !tc.wantC {
				if rec.Body.String() != first.Body.String() {
					t.Errorf("repeat: %s", rec.Body)
				}
				return
			}
			if rec.Code != 400 || !strings.Contains(decode(t, rec).Message, "call_id was already used") {
				t.Errorf("want a 400 call conflict, got %d %s", rec.Code, rec.Body)
			}
			checkDocs(t, "POST", "/tools/call", rec)
		})
	}
}

// OTC: CALL-6: concurrent duplicates run the tool once, and all get its
// result.
func TestIdempotentConcurrentDuplicates(t *testing.T) {
	s := newServer(t, Options{Registry: newRegistry(t), Now: fixedNow})
	const n = 32
	bodies := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			rec := post(s.Handler(), `{"request":{"call_id":"dup","tool_id":"Demo.Counter"}}`)
			bodies[i] = rec.Body.String()
		})
	}
	wg.Wait()
	for i, b := range bodies {
		if b != bodies[0] {
			t.Fatalf("response %d differs:\n%s\n%s", i, b, bodies[0])
		}
	}
	d := decode(t, post(s.Handler(), `{"request":{"call_id":"dup","tool_id":"Demo.Counter"}}`))
	if got := counterValue(t, d); got != 1 {
		t.Errorf("count = %d, want 1: the tool ran more than once", got)
	}
}

// OTC: CALL-6: a repeat that arrives while the first call runs waits for
// it, then answers its result.
func TestIdempotentRepeatWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServer(t, Options{})
		// Longer than the store's write timeout: the record is completed
		// with a context that starts when the tool returns.
		body := `{"request":{"call_id":"slow","tool_id":"Demo.Sleep","input":{"ms":8000}}}`
		results := make(chan string, 2)
		go func() { results <- post(s.Handler(), body).Body.String() }()
		time.Sleep(time.Second)
		go func() { results <- post(s.Handler(), body).Body.String() }()
		a, b := <-results, <-results
		if a != b || !strings.Contains(a, `"slept_ms":8000`) {
			t.Errorf("first and repeat differ or failed:\n%s\n%s", a, b)
		}
	})
}

// A record whose runner is gone makes repeats answer "outcome unknown".
func TestIdempotentUnknownOutcome(t *testing.T) {
	body := `{"request":{"call_id":"lost","tool_id":"Calculator.Add@1","input":{"a":1,"b":2}}}`
	digest := func(s *Server) string {
		tool, _ := s.reg.Resolve(otc.ToolRef{Toolkit: "Calculator", Name: "Add", Selector: otc.MajorVersion, Version: otc.Version{Major: 1}})
		return requestDigest(tool.ID(), []byte(`{"a":1,"b":2}`), nil, nil)
	}
	tests := []struct {
		name      string
		owner     func(s *Server) (string, string)
		leaseLeft time.Duration
	}{
		{"lease ended", func(*Server) (string, string) { return "other-instance", "x" }, -time.Second},
		{"our previous process", func(s *Server) (string, string) { return s.instance, "previous-boot" }, time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := memory.New(memory.Options{Now: fixedNow})
			s := newServer(t, Options{Store: st, InstanceID: "pod-1", Now: fixedNow})
			owner, boot := tc.owner(s)
			_, claimed, err := st.Claim(context.Background(), store.Record{CallID: "lost", Digest: digest(s), State: store.Running,
				Owner: owner, OwnerBoot: boot, CreatedAt: testEpoch, LeaseUntil: testEpoch.Add(tc.leaseLeft), ExpiresAt: testEpoch.Add(time.Hour)})
			if err != nil || !claimed {
				t.Fatalf("Claim: %v %v", claimed, err)
			}
			rec := post(s.Handler(), body)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			checkDocs(t, "POST", "/tools/call", rec)
			d := decode(t, rec)
			if d.Result.Success || d.Result.Error == nil || d.Result.Error.CanRetry || !strings.Contains(d.Result.Error.Message, "unknown") {
				t.Errorf("want an unknown outcome that cannot be retried, got %s", rec.Body)
			}
		})
	}
}

// OTC: CALL-3: store failures are "temporarily unavailable" with
// Retry-After, and leave nothing behind.
func TestIdempotencyStoreFailures(t *testing.T) {
	body := `{"request":{"call_id":"s1","tool_id":"Demo.Counter"}}`
	t.Run("claim fails", func(t *testing.T) {
		st := &failingStore{Store: memory.New(memory.Options{}), claim: store.ErrUnavailable}
		s := newServer(t, Options{Registry: newRegistry(t), Store: st})
		rec := post(s.Handler(), body)
		if rec.Code != 400 || rec.Header().Get("Retry-After") != "1" {
			t.Fatalf("status %d, Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
		checkDocs(t, "POST", "/tools/call", rec)
		st.claim = nil
		if n := counterValue(t, decode(t, post(s.Handler(), body))); n != 1 {
			t.Errorf("after the store recovered, the tool ran %d times, want 1", n)
		}
	})
	t.Run("complete fails", func(t *testing.T) {
		logger, logs := newLogger()
		st := &failingStore{Store: memory.New(memory.Options{}), complete: errors.New("disk full")}
		s := newServer(t, Options{Store: st, Logger: logger})
		rec := post(s.Handler(), body)
		if rec.Code != 200 || !decode(t, rec).Result.Success {
			t.Fatalf("the tool ran: want its result, got %d %s", rec.Code, rec.Body)
		}
		if !strings.Contains(logs.String(), `"store_error":"disk full"`) {
			t.Errorf("the failed write is not logged:\n%s", logs)
		}
	})
	t.Run("stored response corrupt", func(t *testing.T) {
		digest := requestDigest("Demo.Counter@1.0.0", []byte(`{}`), nil, nil)
		st := &failingStore{Store: memory.New(memory.Options{}),
			existing: &store.Record{CallID: "s1", Digest: digest, State: store.Done, Response: []byte(`{"call_id":`)}}
		s := newServer(t, Options{Store: st})
		rec := post(s.Handler(), body)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), "temporarily unavailable") {
			t.Errorf("status %d: %s", rec.Code, rec.Body)
		}
	})
	t.Run("get fails while waiting", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			st := &failingStore{Store: memory.New(memory.Options{})}
			s := newServer(t, Options{Store: st})
			slow := `{"request":{"call_id":"w","tool_id":"Demo.Sleep","input":{"ms":1000}}}`
			done := make(chan struct{})
			go func() { post(s.Handler(), slow); close(done) }()
			synctest.Wait()
			st.get = store.ErrUnavailable
			rec := post(s.Handler(), slow)
			if rec.Code != 400 || rec.Header().Get("Retry-After") == "" {
				t.Errorf("status %d: %s", rec.Code, rec.Body)
			}
			<-done
		})
	})
}

// A call refused after its claim (a concurrency limit) releases the
// record, so that a retry runs it.
func TestIdempotencyReleaseOnRefusal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		st := memory.New(memory.Options{})
		s := newServer(t, Options{Store: st})
		done := make(chan struct{})
		go func() {
			post(s.Handler(), `{"request":{"call_id":"a","tool_id":"Test.Single","input":{"ms":1000}}}`)
			close(done)
		}()
		synctest.Wait()
		rec := post(s.Handler(), `{"request":{"call_id":"b","tool_id":"Test.Single","input":{"ms":1}}}`)
		if rec.Code != 400 || !strings.Contains(decode(t, rec).Message, "temporarily unavailable") {
			t.Fatalf("want busy, got %d %s", rec.Code, rec.Body)
		}
		if _, err := st.Get(context.Background(), "b"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the refused call's record is still there: %v", err)
		}
		<-done
		if rec := post(s.Handler(), `{"request":{"call_id":"b","tool_id":"Test.Single","input":{"ms":1}}}`); rec.Code != 200 {
			t.Errorf("retry: %d %s", rec.Code, rec.Body)
		}
	})
}

// OTC: REQ-5: the stored record holds a digest and the result, never the
// request's secrets, tokens or input.
func TestRecordHoldsNoSecrets(t *testing.T) {
	st := memory.New(memory.Options{})
	s := newServer(t, Options{Store: st})
	rec := post(s.Handler(), `{"request":{"call_id":"r","tool_id":"Demo.WhoAmI","context":{"user_id":"user-7","authorization":[{"id":"demo","token":"tok-SECRET-123"}],"secrets":[{"id":"X","value":"sec-SECRET-456"}]}}}`)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	got, err := st.Get(context.Background(), "r")
	if err != nil {
		t.Fatal(err)
	}
	all := got.Digest + got.Owner + got.OwnerBoot + string(got.Response)
	for _, v := range []string{"tok-SECRET-123", "sec-SECRET-456"} {
		if strings.Contains(all, v) {
			t.Errorf("the record holds %q: %+v", v, got)
		}
	}
	if got.State != store.Done || string(got.Response) != strings.TrimSuffix(strings.TrimPrefix(rec.Body.String(), `{"$schema":"otc://1.0","result":`), "}\n") {
		t.Errorf("record = %+v; response %s", got, rec.Body)
	}
}

func TestRequestDigest(t *testing.T) {
	alice := &otc.Caller{Method: "jwt", Name: "alice"}
	base := requestDigest("A.B@1.0.0", []byte(`{}`), alice, &otc.CallContext{UserID: "u"})
	same := requestDigest("A.B@1.0.0", []byte(`{}`), alice, &otc.CallContext{UserID: "u",
		Secrets: []otc.Secret{{ID: "s", Value: "changed"}}, Authorization: []otc.AuthorizationToken{{ID: "p", Token: "refreshed"}}})
	if base != same {
		t.Error("secret and token values changed the digest")
	}
	for name, d := range map[string]string{
		"tool":   requestDigest("A.B@1.0.1", []byte(`{}`), alice, &otc.CallContext{UserID: "u"}),
		"input":  requestDigest("A.B@1.0.0", []byte(`{"x":1}`), alice, &otc.CallContext{UserID: "u"}),
		"caller": requestDigest("A.B@1.0.0", []byte(`{}`), &otc.Caller{Method: "jwt", Name: "bob"}, &otc.CallContext{UserID: "u"}),
		"method": requestDigest("A.B@1.0.0", []byte(`{}`), &otc.Caller{Method: "api_key", Name: "alice"}, &otc.CallContext{UserID: "u"}),
		"user":   requestDigest("A.B@1.0.0", []byte(`{}`), alice, nil),
		"anon":   requestDigest("A.B@1.0.0", []byte(`{}`), nil, &otc.CallContext{UserID: "u"}),
		"shift":  requestDigest("A.B@1.0.0{", []byte(`}`), alice, &otc.CallContext{UserID: "u"}),
	} {
		if d == base {
			t.Errorf("a different %s gave the same digest", name)
		}
	}
	if diff := cmp.Diff(64, len(base)); diff != "" {
		t.Errorf("digest length: %s", diff)
	}
}

// OTC: CALL-6, CALL-9: a can_retry failure is not kept under its call_id,
// so the client's retry with the same call_id runs the tool again; a
// failure that cannot be retried is kept and replayed.
func TestIdempotencyRetryableFailureIsReleased(t *testing.T) {
	s := newServer(t, Options{Registry: newRegistry(t)})
	retryable := `{"request":{"call_id":"flaky","tool_id":"Doorbell.Ring","input":{"doorbell_id":"nope"}}}`
	first := decode(t, post(s.Handler(), retryable))
	if first.Result.Success || first.Result.Error == nil || !first.Result.Error.CanRetry {
		t.Fatalf("first call: %+v, want a can_retry tool error", first.Result)
	}
	// The retry runs the tool again (it fails again: that doorbell never
	// exists), rather than getting the first failure replayed.
	again := post(s.Handler(), `{"request":{"call_id":"flaky","tool_id":"Doorbell.Ring","input":{"doorbell_id":"nope"}}}`)
	if d := decode(t, again); d.Result.Success || d.Result.Error == nil || !d.Result.Error.CanRetry {
		t.Fatalf("retry: %+v, want the tool to run again and fail again", d.Result)
	}
	if _, err := s.store.Get(context.Background(), "flaky"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("record after a can_retry failure: err %v, want ErrNotFound", err)
	}

	final := `{"request":{"call_id":"final","tool_id":"Calculator.Divide","input":{"a":1,"b":0}}}`
	f1 := post(s.Handler(), final)
	f2 := post(s.Handler(), final)
	if f1.Body.String() != f2.Body.String() {
		t.Fatalf("a failure that cannot be retried must be replayed byte for byte:\n%s\n%s", f1.Body, f2.Body)
	}
}
