package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/store"
)

const (
	// leaseGrace is added to a call's timeout for its record's lease: the
	// time to write the result after the deadline.
	leaseGrace = 10 * time.Second
	// storeWriteTimeout bounds Complete and Release, which run even after
	// the client went away so that the record is right for its retry.
	storeWriteTimeout = 5 * time.Second
	// pollFirst and pollMax bound the backoff of a repeat waiting for the
	// first call of its call_id to finish.
	pollFirst = 5 * time.Millisecond
	pollMax   = 250 * time.Millisecond
	// storeRetryAfter is the Retry-After of a call refused because the
	// store failed or the first call of its call_id is still running.
	storeRetryAfter = time.Second
)

// errRecordGone: the record a repeat was waiting on disappeared (released
// by a call that never started, or expired), so the repeat may claim it.
var errRecordGone = errors.New("server: call record gone")

// callOnce runs a call that carries a client call_id at most once (CALL-6).
// It claims the call_id in the store; a repeat of the same request gets
// the first call's result byte for byte, waiting for it if it is still
// running; a different request with the same call_id is refused.
func (s *Server) callOnce(w http.ResponseWriter, r *http.Request, x *exchange, c *call) error {
	ctx := r.Context()
	canonical, err := canonicalJSON(c.input)
	if err != nil {
		return badRequest("request.input could not be read", err)
	}
	digest := requestDigest(c.tool.ID(), canonical, c.info.Caller, c.context)
	lease := s.timeoutOf(c.spec) + leaseGrace
	waitUntil := s.now().Add(lease)
	for {
		now := s.now()
		rec := store.Record{
			CallID: c.info.CallID, Digest: digest, State: store.Running,
			Owner: s.instance, OwnerBoot: s.boot,
			CreatedAt: now, LeaseUntil: now.Add(lease),
			ExpiresAt: now.Add(max(s.opts.CallRetention, lease)),
		}
		existing, claimed, err := s.claim(ctx, rec, c.spec.Idempotent)
		if err != nil {
			return storeUnavailable(err)
		}
		if claimed {
			return s.runClaimed(w, r, x, c)
		}
		if existing.Digest != digest {
			return &otc.Error{Code: otc.CodeCallConflict,
				Message:          "This call_id was already used for a different request.",
				DeveloperMessage: "a call_id may be reused only to repeat the same tool, version, input, caller and user_id"}
		}
		start := s.now()
		result, outcome, err := s.await(ctx, existing, waitUntil, x)
		if errors.Is(err, errRecordGone) && s.now().Before(waitUntil) {
			continue // claim it ourselves
		}
		if errors.Is(err, errRecordGone) {
			return storeUnavailable(err)
		}
		if err != nil {
			return err
		}
		if o := s.opts.Observer; o != nil {
			o.CallStarted(c.tool.ID())
			o.CallFinished(c.tool.ID(), outcome, s.now().Sub(start))
		}
		x.outcome = outcome
		s.writeResult(w, x, result)
		return nil
	}
}

// volatileClaimer is a Store that can claim a call_id without making the
// claim durable first (store/journal): the record is written once, by
// Complete. A call that may run twice (otc.ToolSpec.Idempotent) then waits
// for one durable write instead of two.
type volatileClaimer interface {
	ClaimVolatile(ctx context.Context, rec store.Record) (store.Record, bool, error)
}

// claim claims rec in the store, without making the claim durable first
// when the tool may run twice and the store allows it.
func (s *Server) claim(ctx context.Context, rec store.Record, idempotent bool) (store.Record, bool, error) {
	if idempotent && s.volatileClaims != nil {
		return s.volatileClaims.ClaimVolatile(ctx, rec)
	}
	return s.store.Claim(ctx, rec)
}

// runClaimed runs a call whose record this server just claimed, and
// completes the record with the result. A call refused before its tool
// started, or whose tool failed with can_retry, releases the record, so
// that a retry can run it.
func (s *Server) runClaimed(w http.ResponseWriter, r *http.Request, x *exchange, c *call) error {
	id := c.info.CallID
	finished := s.running.add(id)
	defer s.running.finish(id, finished)
	res, err := s.run(r.Context(), c, x)
	// Writes to the store outlive the client: its retry needs the record.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), storeWriteTimeout)
	defer cancel()
	if err != nil {
		if rerr := s.store.Release(wctx, id); rerr != nil {
			x.storeErr = rerr
		}
		return err
	}
	result := appendResult(nil, &res)
	if res.Error != nil && res.Error.CanRetry {
		// The tool said the same call may succeed later: keeping this
		// failure would answer the client's retry (same call_id) with it
		// again and never reach the tool. Release the record instead; a
		// duplicate that was waiting for it claims and runs the call
		// itself, which the tool declared safe.
		if err := s.store.Release(wctx, id); err != nil {
			x.storeErr = err
		}
		s.writeResult(w, x, result)
		return nil
	}
	if err := s.store.Complete(wctx, id, result); err != nil {
		// The tool ran: answer with its result all the same. Repeats will
		// find the record running until its lease ends, then report the
		// outcome unknown, which is the truth for them.
		x.storeErr = err
	}
	s.writeResult(w, x, result)
	return nil
}

// await waits for the record of a repeated call to be done, polling the
// store with backoff (and woken at once when the call runs in this
// process), until waitUntil or the record's lease. It returns the result to
// answer with and the outcome to report.
func (s *Server) await(ctx context.Context, rec store.Record, waitUntil time.Time, x *exchange) ([]byte, string, error) {
	backoff := pollFirst
	for {
		now := s.now()
		switch {
		case rec.State == store.Done && json.Valid(rec.Response):
			return rec.Response, OutcomeReplayed, nil
		case rec.State == store.Done:
			// Answering with it would send the client broken JSON.
			return nil, "", storeUnavailable(&store.CorruptRecordError{CallID: rec.CallID,
				Err: errors.New("the stored response is not valid JSON")})
		case rec.Owner == s.instance && rec.OwnerBoot != s.boot:
			return unknownOutcome(rec.CallID, "a previous process of this instance was running the call and stopped"), OutcomeUnknown, nil
		case !now.Before(rec.LeaseUntil):
			return unknownOutcome(rec.CallID, "the lease of the call's first run ended before it finished"), OutcomeUnknown, nil
		case !now.Before(waitUntil):
			return nil, "", &otc.Error{Code: otc.CodeTemporarilyUnavailable,
				Message:          "The first call with this call_id is still running; try again later.",
				DeveloperMessage: "waited for the call's first run as long as its timeout",
				RetryAfter:       storeRetryAfter}
		}
		wait := min(backoff, rec.LeaseUntil.Sub(now), waitUntil.Sub(now))
		backoff = min(2*backoff, pollMax)
		local := s.running.lookup(rec.CallID)
		timer := time.NewTimer(wait)
		select {
		case <-local:
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			x.outcome = OutcomeCanceled
			return nil, "", &otc.Error{Code: otc.CodeTemporarilyUnavailable,
				Message: "The request was cancelled.", Err: ctx.Err()}
		}
		timer.Stop()
		var err error
		rec, err = s.store.Get(ctx, rec.CallID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, "", errRecordGone
		}
		if err != nil {
			return nil, "", storeUnavailable(err)
		}
	}
}

// unknownOutcome is the result of a repeat whose first run was lost: the
// tool may or may not have taken effect, so a blind retry is unsafe.
func unknownOutcome(callID, why string) []byte {
	return appendResult(nil, &otc.CallToolResponse{CallID: callID, Error: &otc.ToolError{
		Message: "The outcome of this call is unknown: the server running it stopped before it finished. " +
			"Check whether it took effect before calling again with a new call_id.",
		DeveloperMessage: why,
	}})
}

func storeUnavailable(err error) *otc.Error {
	return &otc.Error{Code: otc.CodeTemporarilyUnavailable,
		Message:          "The server is temporarily unavailable; try again shortly.",
		DeveloperMessage: "the call record store failed", RetryAfter: storeRetryAfter, Err: err}
}
