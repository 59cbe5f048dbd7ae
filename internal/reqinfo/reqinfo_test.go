package reqinfo

import (
	"context"
	"testing"
)

func TestInfo(t *testing.T) {
	if _, ok := Lookup(context.Background()); ok {
		t.Fatal("Lookup found an Info in an empty context")
	}
	a, b := From(context.Background()), From(context.Background())
	if a == b {
		t.Fatal("From without an Info must return a fresh throwaway each time, never a shared one")
	}
	ctx, info := New(context.Background())
	info.ToolID = "Calculator.Add@1.0.0"
	got, ok := Lookup(ctx)
	if !ok || got != info || From(ctx) != info {
		t.Fatal("the Info stored by New is not the one found")
	}
	if From(ctx).ToolID != "Calculator.Add@1.0.0" {
		t.Fatal("writes through the Info are not seen by later readers")
	}
}
