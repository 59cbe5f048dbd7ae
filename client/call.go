package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/otc-dev/otc"
)

// CallOption sets a detail of one call.
type CallOption func(*callOptions)

type callOptions struct {
	callID, traceID, userID string
	secrets                 []otc.Secret
	tokens                  []otc.AuthorizationToken
	noRetry                 bool
}

// WithCallID sets the call's id, its idempotency key (CALL-6): repeating a
// call with the same id returns the first call's response without running
// the tool again. Without it, a client that retries generates one.
func WithCallID(id string) CallOption { return func(o *callOptions) { o.callID = id } }

// WithTraceID sets the call's trace id, which the server carries into its
// logs and traces (CALL-7).
func WithTraceID(id string) CallOption { return func(o *callOptions) { o.traceID = id } }

// WithUserID sets context.user_id, for tools that require one (REQ-4).
func WithUserID(id string) CallOption { return func(o *callOptions) { o.userID = id } }

// WithSecret adds a secret to context.secrets, for tools that require it
// (REQ-3). The value goes to the server in the request body and nowhere
// else: no error of this package contains it.
func WithSecret(id, value string) CallOption {
	return func(o *callOptions) { o.secrets = append(o.secrets, otc.Secret{ID: id, Value: value}) }
}

// WithAuthorization adds an authorization token to context.authorization,
// for tools that require one from provider id (REQ-2).
func WithAuthorization(id, token string) CallOption {
	return func(o *callOptions) {
		o.tokens = append(o.tokens, otc.AuthorizationToken{ID: id, Token: token})
	}
}

// WithoutRetry makes this call a single attempt, whatever the client's
// retry policy, for a caller that handles retries itself.
func WithoutRetry() CallOption { return func(o *callOptions) { o.noRetry = true } }

// CallTool calls a tool (CALL-1) and returns its result: a [Result] for a
// tool that ran, whether it succeeded or failed, and an error when it did
// not run.
//
// toolID is "Toolkit.Tool", "Toolkit.Tool@x" or "Toolkit.Tool@x.y.z"
// (VER-1..3). input is the tool's input object: nil for none, a
// json.RawMessage or []byte holding a JSON object, or any value that
// marshals to one (a struct or a map).
//
// With retries on, a failure that the tool marks can_retry is retried after
// its retry_after_ms, and connection failures and 502/503/504 answers after
// a jittered backoff, each time with the same call_id; the client generates
// one when the caller gave none. Cancelling ctx ends the call at once.
func (c *Client) CallTool(ctx context.Context, toolID string, input any, opts ...CallOption) (*Result, error) {
	var o callOptions
	for _, opt := range opts {
		opt(&o)
	}
	if _, err := otc.ParseToolID(toolID); err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	in, err := marshalInput(input)
	if err != nil {
		return nil, err
	}
	retries := c.retry.enabled() && !o.noRetry
	if o.callID == "" && retries {
		// Retrying without a call_id could run the tool twice; with one, the
		// server's idempotency makes a repeat safe (CALL-6).
		id, err := uuid.NewV7()
		if err != nil {
			return nil, fmt.Errorf("client: generate call_id: %w", err)
		}
		o.callID = id.String()
	}
	req := otc.CallRequest{
		Schema: otc.SchemaOTC,
		Request: otc.CallToolRequest{
			CallID:  o.callID,
			TraceID: o.traceID,
			ToolID:  toolID,
			Input:   in,
		},
	}
	if o.userID != "" || len(o.secrets) > 0 || len(o.tokens) > 0 {
		req.Request.Context = &otc.CallContext{Authorization: o.tokens, Secrets: o.secrets, UserID: o.userID}
	}
	body, err := json.Marshal(req)
	if err != nil {
		// Only strings and an already valid JSON object are marshalled.
		return nil, fmt.Errorf("client: encode request: %w", err)
	}

	var (
		res      *Result
		callErr  error
		attempts int
	)
	werr := c.run(ctx, retries, func(n int) verdict {
		attempts = n
		res, callErr = nil, nil
		rep, err := c.roundTrip(ctx, http.MethodPost, "/tools/call", body, true)
		if err != nil {
			callErr = err
			return c.judge(nil, err)
		}
		if rep.status != http.StatusOK {
			callErr = statusErr(rep)
			return c.judge(rep, nil)
		}
		res, callErr = decodeResult(rep.status, rep.body)
		if callErr != nil || !res.CanRetry() {
			return verdict{}
		}
		return verdict{retry: true, after: res.RetryAfter()}
	})
	if werr != nil {
		return nil, fmt.Errorf("client: call %s: %w", toolID, werr)
	}
	if callErr != nil {
		return nil, callErr
	}
	res.Attempts = attempts
	if res.CallID == "" {
		res.CallID = o.callID
	}
	return res, nil
}

// marshalInput returns the request's input object.
func marshalInput(input any) (json.RawMessage, error) {
	var raw []byte
	switch v := input.(type) {
	case nil:
		return json.RawMessage(`{}`), nil
	case json.RawMessage:
		raw = v
	case []byte:
		raw = v
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("client: encode input: %w", err)
		}
		raw = b
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return json.RawMessage(`{}`), nil
	}
	if !json.Valid(raw) {
		return nil, errors.New("client: input is not valid JSON")
	}
	if raw[0] != '{' {
		return nil, errors.New("client: input must be a JSON object")
	}
	return json.RawMessage(raw), nil
}
