package bolt_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/bolt"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "otc-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := bolt.Open(filepath.Join(dir, "calls.db"), bolt.Options{Timeout: time.Second})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	rec := store.Record{CallID: "call-1", Digest: "ab12", ExpiresAt: time.Now().Add(24 * time.Hour)}
	if _, _, err := s.Claim(ctx, rec); err != nil {
		log.Fatal(err)
	}
	if err := s.Complete(ctx, "call-1", []byte(`{"success":true}`)); err != nil {
		log.Fatal(err)
	}
	s.Close()

	// The record outlives the process.
	s, err = bolt.Open(filepath.Join(dir, "calls.db"), bolt.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	got, err := s.Get(ctx, "call-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.State, string(got.Response))
	// Output: done {"success":true}
}
