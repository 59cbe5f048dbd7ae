package journal_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/journal"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "otc-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := journal.Open(dir, journal.Options{Timeout: time.Second})
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

	// The record outlives the process; Recovery says what replay found.
	s, err = journal.Open(dir, journal.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	got, err := s.Get(ctx, "call-1")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got.State, string(got.Response))
	fmt.Printf("%+v\n", s.Recovery())
	// Output:
	// done {"success":true}
	// {Segments:1 Records:1 Forgotten:0 TornBytes:0 CorruptFrames:0 SkippedBytes:0}
}
