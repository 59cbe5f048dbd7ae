package storetest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/otc-dev/otc/store"
)

// The suite. Cases about time are in cases_time.go, about odd input in
// cases_input.go.
var cases = []testCase{
	{name: "ClaimThenGet", run: testClaimThenGet},
	{name: "SecondClaimReturnsExisting", run: testSecondClaim},
	{name: "ConcurrentClaimsOneWins", run: testConcurrentClaims},
	{name: "CompleteThenGet", run: testCompleteThenGet},
	{name: "CompleteMissing", run: testCompleteMissing},
	{name: "CompleteTwice", run: testCompleteTwice},
	{name: "ReleaseFreesID", run: testRelease},
	{name: "ReleaseDoneOrMissing", run: testReleaseDoneOrMissing},
	{name: "ReturnedRecordsAreCopies", run: testCopies},
	{name: "Expiry", run: testExpiry},
	{name: "ExpiryBoundary", needsFakeClock: true, run: testExpiryBoundary},
	{name: "Sweep", run: testSweep},
	{name: "PingAndClose", run: testPingAndClose},
	{name: "CanceledContext", run: testCanceledContext},
	{name: "LargeResponse", run: testLargeResponse},
	{name: "OddCallIDs", run: testOddCallIDs},
	{name: "InvalidClaims", run: testInvalidClaims},
	{name: "CorruptRecord", needsCorrupt: true, run: testCorruptRecord},
}

func testClaimThenGet(t *testing.T, _ Config, e *env) {
	rec := e.record("call-1", "digest-1", longTTL)
	rec.State = 0 // zero means Running
	claim(t, e.s, rec)
	rec.State = store.Running
	wantGet(t, e.s, "call-1", rec)
	_, err := e.s.Get(context.Background(), "call-2")
	wantErr(t, "Get of an unclaimed id", err, store.ErrNotFound)
}

func testSecondClaim(t *testing.T, _ Config, e *env) {
	first := e.record("call-1", "digest-1", longTTL)
	claim(t, e.s, first)
	second := e.record("call-1", "digest-2", longTTL)
	second.Owner = "instance-b"
	existing, claimed, err := e.s.Claim(context.Background(), second)
	if err != nil || claimed {
		t.Fatalf("second Claim = claimed %v, err %v; want the existing record", claimed, err)
	}
	if diff := cmp.Diff(first, existing, recordOpts); diff != "" {
		t.Fatalf("second Claim returned another record (-want +got):\n%s", diff)
	}
	wantGet(t, e.s, "call-1", first)
}

func testConcurrentClaims(t *testing.T, _ Config, e *env) {
	const n = 32
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []string
		seen    []string
	)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := e.record("contended", "digest", longTTL)
			rec.Owner = fmt.Sprintf("instance-%d", i)
			<-start
			existing, claimed, err := e.s.Claim(context.Background(), rec)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Errorf("Claim by %s: %v", rec.Owner, err)
			case claimed:
				winners = append(winners, rec.Owner)
			default:
				seen = append(seen, existing.Owner)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d claims won (%v), want exactly 1", len(winners), winners)
	}
	for _, owner := range seen {
		if owner != winners[0] {
			t.Fatalf("a losing claim saw owner %q, want the winner %q", owner, winners[0])
		}
	}
	got, err := e.s.Get(context.Background(), "contended")
	if err != nil || got.Owner != winners[0] {
		t.Fatalf("Get = owner %q, err %v; want owner %q", got.Owner, err, winners[0])
	}
}

func testCompleteThenGet(t *testing.T, _ Config, e *env) {
	rec := e.record("call-1", "digest-1", longTTL)
	claim(t, e.s, rec)
	// Not canonical JSON on purpose: the bytes must come back as given.
	response := []byte("{\"success\":true, \"value\":{\"b\":1,\"a\":\"\\u00e9\"}}\n")
	if err := e.s.Complete(context.Background(), "call-1", response); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	wantGet(t, e.s, "call-1", done(rec, response))
	// A repeat of the call sees the finished record through Claim.
	existing, claimed, err := e.s.Claim(context.Background(), e.record("call-1", "digest-1", longTTL))
	if err != nil || claimed {
		t.Fatalf("Claim after Complete = claimed %v, err %v; want the done record", claimed, err)
	}
	if diff := cmp.Diff(done(rec, response), existing, recordOpts); diff != "" {
		t.Fatalf("Claim after Complete (-want +got):\n%s", diff)
	}
}

func testCompleteMissing(t *testing.T, _ Config, e *env) {
	err := e.s.Complete(context.Background(), "never-claimed", []byte(`{}`))
	wantErr(t, "Complete of an unclaimed id", err, store.ErrNotFound)
	_, err = e.s.Get(context.Background(), "never-claimed")
	wantErr(t, "Get after Complete of an unclaimed id", err, store.ErrNotFound)
}

func testCompleteTwice(t *testing.T, _ Config, e *env) {
	rec := e.record("call-1", "digest-1", longTTL)
	claim(t, e.s, rec)
	if err := e.s.Complete(context.Background(), "call-1", []byte(`"first"`)); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	err := e.s.Complete(context.Background(), "call-1", []byte(`"second"`))
	wantErr(t, "second Complete", err, store.ErrNotRunning)
	wantGet(t, e.s, "call-1", done(rec, []byte(`"first"`)))
}

func testRelease(t *testing.T, _ Config, e *env) {
	claim(t, e.s, e.record("call-1", "digest-1", longTTL))
	if err := e.s.Release(context.Background(), "call-1"); err != nil {
		t.Fatalf("Release: %v", err)
	}
	_, err := e.s.Get(context.Background(), "call-1")
	wantErr(t, "Get after Release", err, store.ErrNotFound)
	retry := e.record("call-1", "digest-2", longTTL)
	claim(t, e.s, retry)
	wantGet(t, e.s, "call-1", retry)
}

func testReleaseDoneOrMissing(t *testing.T, _ Config, e *env) {
	wantErr(t, "Release of an unclaimed id", e.s.Release(context.Background(), "missing"), store.ErrNotFound)
	rec := e.record("call-1", "digest-1", longTTL)
	claim(t, e.s, rec)
	if err := e.s.Complete(context.Background(), "call-1", []byte(`1`)); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	// A finished call's response must outlive a late Release.
	wantErr(t, "Release of a done record", e.s.Release(context.Background(), "call-1"), store.ErrNotRunning)
	wantGet(t, e.s, "call-1", done(rec, []byte(`1`)))
}

func testCopies(t *testing.T, _ Config, e *env) {
	rec := e.record("call-1", "digest-1", longTTL)
	claim(t, e.s, rec)
	response := []byte(`{"success":true}`)
	if err := e.s.Complete(context.Background(), "call-1", response); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	response[0] = 'X' // the caller reuses its buffer
	got, err := e.s.Get(context.Background(), "call-1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	got.Response[1] = 'X' // a reader scribbles on what it got
	wantGet(t, e.s, "call-1", done(rec, []byte(`{"success":true}`)))
}

func testPingAndClose(t *testing.T, _ Config, e *env) {
	if err := e.s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := e.s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wantErr(t, "Ping after Close", e.s.Ping(context.Background()), store.ErrUnavailable)
	_, _, err := e.s.Claim(context.Background(), e.record("call-1", "d", longTTL))
	wantErr(t, "Claim after Close", err, store.ErrUnavailable)
}

func testCanceledContext(t *testing.T, _ Config, e *env) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := e.s.Claim(ctx, e.record("call-1", "d", longTTL))
	wantErr(t, "Claim with a canceled context", err, context.Canceled)
	_, err = e.s.Get(context.Background(), "call-1")
	wantErr(t, "Get after a canceled Claim", err, store.ErrNotFound)
}

func testLargeResponse(t *testing.T, _ Config, e *env) {
	response := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	response = append(response[:len(response)-2], '\x00', '\xff')
	rec := e.record("big", "digest", longTTL)
	claim(t, e.s, rec)
	if err := e.s.Complete(context.Background(), "big", response); err != nil {
		t.Fatalf("Complete of 1 MiB: %v", err)
	}
	got, err := e.s.Get(context.Background(), "big")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !bytes.Equal(got.Response, response) {
		t.Fatalf("Get returned %d bytes that differ from the %d stored", len(got.Response), len(response))
	}
}

// oddCallIDs are ids that a careless key scheme would mangle or confuse.
var oddCallIDs = []string{
	"ünïcødé-☃-通話",
	"a/b/../c",
	"otc:call:nested",
	"with space\tand tab\nand newline",
	"glob*?[chars]{x}",
	"nul\x00byte",
	"nul",
	"\xff\xfe not utf-8",
	"%2F%00",
	strings.Repeat("x", 256),
	strings.Repeat("é", store.MaxCallIDLen/2),
}
