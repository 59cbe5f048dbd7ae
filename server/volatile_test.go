package server

import (
	"context"
	"encoding/json"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
	"github.com/otc-dev/otc/store/memory"
)

// store/journal is the store the server's volatile claims are for. The
// server finds the method by a type assertion, so a change of its
// signature would not fail to compile: idempotent tools would silently go
// back to two durable writes per call. This guard makes it fail.
var _ volatileClaimer = (*journal.Store)(nil)

// claimCounter is a store that counts its claims of each kind.
type claimCounter struct {
	store.Store
	durable atomic.Int32
}

func (c *claimCounter) Claim(ctx context.Context, r store.Record) (store.Record, bool, error) {
	c.durable.Add(1)
	return c.Store.Claim(ctx, r)
}

// volatileCounter is a claimCounter that can also claim without a durable
// write, as store/journal can.
type volatileCounter struct {
	claimCounter
	volatile atomic.Int32
}

func (c *volatileCounter) ClaimVolatile(ctx context.Context, r store.Record) (store.Record, bool, error) {
	c.volatile.Add(1)
	return c.Store.Claim(ctx, r)
}

// OTC: CALL-6: a tool declared idempotent is claimed without a durable write
// when the store can do that, and repeats of its call_id are still answered
// from the record without running it again; other tools, and stores that
// cannot, claim as always.
func TestIdempotentToolClaimsVolatile(t *testing.T) {
	var runs atomic.Int32
	count := func(context.Context, json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(`{"run":` + strconv.Itoa(int(runs.Add(1))) + `}`), nil
	}
	out := json.RawMessage(`{"type":"object","properties":{"run":{"type":"integer","description":"Which run answered."}},"required":["run"]}`)
	tool := func(name string, idempotent bool) *otc.Tool {
		tl, err := otc.NewRawTool(otc.ToolSpec{Toolkit: "Test", Name: name, Version: "1.0.0",
			Description: "Counts its runs.", Idempotent: idempotent}, nil, out, count)
		if err != nil {
			t.Fatal(err)
		}
		return tl
	}
	reg := otc.NewRegistry()
	if err := reg.Register(tool("Lookup", true), tool("Charge", false)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name         string
		tool         string
		canVolatile  bool
		wantVolatile bool
	}{
		{"IdempotentTool", "Test.Lookup", true, true},
		{"OtherTool", "Test.Charge", true, false},
		{"StoreWithoutVolatileClaims", "Test.Lookup", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runs.Store(0)
			var st store.Store
			var durable, volatile *atomic.Int32
			if tc.canVolatile {
				v := &volatileCounter{claimCounter: claimCounter{Store: memory.New(memory.Options{})}}
				st, durable, volatile = v, &v.durable, &v.volatile
			} else {
				c := &claimCounter{Store: memory.New(memory.Options{})}
				st, durable, volatile = c, &c.durable, new(atomic.Int32)
			}
			s := newServer(t, Options{Registry: reg, Store: st})
			body := `{"request":{"call_id":"c1","tool_id":"` + tc.tool + `"}}`
			first := post(s.Handler(), body)
			repeat := post(s.Handler(), body)
			if first.Code != 200 || repeat.Code != 200 || repeat.Body.String() != first.Body.String() {
				t.Fatalf("first %d %s, repeat %d %s: want the same 200", first.Code, first.Body, repeat.Code, repeat.Body)
			}
			if n := runs.Load(); n != 1 {
				t.Errorf("the tool ran %d times, want 1", n)
			}
			wantDurable, wantVolatile := int32(2), int32(0) // the repeat claims too, and finds the record
			if tc.wantVolatile {
				wantDurable, wantVolatile = 0, 2
			}
			if d, v := durable.Load(), volatile.Load(); d != wantDurable || v != wantVolatile {
				t.Errorf("claims: %d durable, %d volatile; want %d and %d", d, v, wantDurable, wantVolatile)
			}
		})
	}
}
