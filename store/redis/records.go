package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/otc-dev/otc/store"
	"github.com/otc-dev/otc/store/internal/recordcodec"
)

// The scripts read only the two header bytes of a record (recordcodec):
// byte 1 the format version, byte 2 the state. They answer 1 for done, 0
// for no record, -1 for a record that is not Running, -2 for a header they
// do not know. Running is 1 and Done 2 (store.State).
//
// runningGuard starts both scripts: it returns unless KEYS[1] holds a
// Running record, leaving that record in v.
const runningGuard = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if string.byte(v, 1) ~= 1 then return -2 end
local state = string.byte(v, 2)
if state == 2 then return -1 end
if state ~= 1 then return -2 end
`

var (
	// completeScript appends the response to a Running record and marks it
	// Done, keeping its TTL.
	completeScript = goredis.NewScript(runningGuard + `
redis.call('SET', KEYS[1], string.sub(v, 1, 1) .. '\2' .. string.sub(v, 3) .. ARGV[1], 'KEEPTTL')
return 1
`)
	// releaseScript deletes a Running record.
	releaseScript = goredis.NewScript(runningGuard + `
redis.call('DEL', KEYS[1])
return 1
`)
)

// callKey returns the key of callID's record.
func (s *Store) callKey(callID string) string { return s.prefix + "call:" + callID }

// Claim implements store.Store with one SET NX PX GET: the record is created
// with its TTL unless the key exists, in which case Redis returns the
// existing value. It needs Redis 7.0 or later.
func (s *Store) Claim(ctx context.Context, rec store.Record) (store.Record, bool, error) {
	now := s.now()
	if err := store.CheckClaim(rec, now); err != nil {
		return store.Record{}, false, err
	}
	rec.State = store.Running
	rec.Response = nil
	old, err := s.client.SetArgs(ctx, s.callKey(rec.CallID), recordcodec.Encode(rec), goredis.SetArgs{
		Mode: "NX",
		TTL:  ttl(rec.ExpiresAt, now, time.Millisecond),
		Get:  true,
	}).Result()
	switch {
	case errors.Is(err, goredis.Nil):
		return store.Record{}, true, nil
	case err != nil:
		return store.Record{}, false, s.failed("claim", rec.CallID, err)
	}
	existing, err := s.decode(rec.CallID, old)
	return existing, false, err
}

// Complete implements store.Store with a script that keeps the record's TTL
// and completes only a Running record.
func (s *Store) Complete(ctx context.Context, callID string, response []byte) error {
	n, err := completeScript.Run(ctx, s.client, []string{s.callKey(callID)}, response).Int()
	if err != nil {
		return s.failed("complete", callID, err)
	}
	return scriptOutcome(callID, n)
}

// Get implements store.Store.
func (s *Store) Get(ctx context.Context, callID string) (store.Record, error) {
	v, err := s.client.Get(ctx, s.callKey(callID)).Result()
	switch {
	case errors.Is(err, goredis.Nil):
		return store.Record{}, store.ErrNotFound
	case err != nil:
		return store.Record{}, s.failed("get", callID, err)
	}
	return s.decode(callID, v)
}

// Release implements store.Store with a script that deletes only a Running
// record.
func (s *Store) Release(ctx context.Context, callID string) error {
	n, err := releaseScript.Run(ctx, s.client, []string{s.callKey(callID)}).Int()
	if err != nil {
		return s.failed("release", callID, err)
	}
	return scriptOutcome(callID, n)
}

// Sweep implements store.Store. Redis expires records by their TTL, so
// there is nothing to sweep: it returns 0.
func (s *Store) Sweep(ctx context.Context, _ time.Time) (int, error) {
	return 0, ctx.Err()
}

// decode decodes a stored value, reporting a corrupt one.
func (s *Store) decode(callID, v string) (store.Record, error) {
	rec, err := recordcodec.Decode(callID, []byte(v))
	if err != nil {
		return store.Record{}, fmt.Errorf("redis: %w", &store.CorruptRecordError{CallID: callID, Err: err})
	}
	return rec, nil
}

// failed classifies an error of a command on callID's key: a key that holds
// another type than a string is a corrupt record; anything else means Redis
// is unavailable.
func (s *Store) failed(op, callID string, err error) error {
	if goredis.HasErrorPrefix(err, "WRONGTYPE") {
		return fmt.Errorf("redis %s: %w", op, &store.CorruptRecordError{
			CallID: callID,
			Err:    fmt.Errorf("%w: the key holds another Redis type", recordcodec.ErrFormat),
		})
	}
	return s.unavailable(op, err)
}

// scriptOutcome turns a script's answer into Complete's or Release's error.
func scriptOutcome(callID string, n int) error {
	switch n {
	case 1:
		return nil
	case 0:
		return store.ErrNotFound
	case -1:
		return store.ErrNotRunning
	case -2:
		return fmt.Errorf("redis: %w", &store.CorruptRecordError{
			CallID: callID,
			Err:    fmt.Errorf("%w: unknown version or state", recordcodec.ErrFormat),
		})
	}
	return fmt.Errorf("redis: script answered %d, which no version of it returns", n)
}
