package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/bench/internal/load"
	"github.com/otc-dev/otc/toolkits/examples"
)

// The checks decide whether a response is a correct answer to the call
// 1 + 2 (or, for the target with side effects, to Demo.Counter). During
// warm-up they decode the whole body; in the measured window they look for
// the decisive bytes only, so that checking costs the generator next to
// nothing. A wrong answer counts as an error either way.

// checkOTC accepts a 200 CallResponse with success and the value 3, and, if
// the request carried a call_id, that same call_id (CALL-6).
func checkOTC(req []byte, r *load.Response, full bool) error {
	return checkCall(req, r, full, hasValue3, func(v json.RawMessage) error {
		if string(v) != "3" {
			return fmt.Errorf("value %s, want 3", snippet(v))
		}
		return nil
	})
}

// checkCounter accepts a 200 CallResponse of Demo.Counter with success, a
// count of runs and the instance that ran it, and the call_id sent.
func checkCounter(req []byte, r *load.Response, full bool) error {
	quick := func(body []byte) bool { return bytes.Contains(body, []byte(`"count":`)) }
	return checkCall(req, r, full, quick, func(v json.RawMessage) error {
		var c examples.Count
		if err := json.Unmarshal(v, &c); err != nil || c.Count < 1 || c.Instance == "" {
			return fmt.Errorf("value %s, want a count of runs and an instance", snippet(v))
		}
		return nil
	})
}

// checkCall accepts a 200 successful CallResponse whose value passes value
// (or, in the quick check, whose body passes quick), with the call_id of the
// request if it carried one (CALL-6).
func checkCall(req []byte, r *load.Response, full bool, quick func([]byte) bool, value func(json.RawMessage) error) error {
	if r.Status != 200 {
		return fmt.Errorf("want status 200: %s", snippet(r.Body))
	}
	if !full {
		if !bytes.Contains(r.Body, []byte(`"success":true`)) || !quick(r.Body) {
			return fmt.Errorf("not a successful result: %s", snippet(r.Body))
		}
		return nil
	}
	if err := wantJSON(r.ContentType); err != nil {
		return err
	}
	var resp otc.CallResponse
	if err := json.Unmarshal(r.Body, &resp); err != nil {
		return fmt.Errorf("decode CallResponse: %w", err)
	}
	res := resp.Result
	switch {
	case !res.Success || res.Error != nil:
		return fmt.Errorf("call failed: %s", snippet(r.Body))
	case res.CallID == "":
		return errors.New("no call_id in the result (CALL-6)")
	case resp.Schema != otc.SchemaOTC:
		return fmt.Errorf("$schema %q, want %q (SCHEMA-2)", resp.Schema, otc.SchemaOTC)
	}
	if err := value(res.Value); err != nil {
		return err
	}
	if sent := sentCallID(req); sent != "" && res.CallID != sent {
		return fmt.Errorf("call_id %q, want the one sent, %q", res.CallID, sent)
	}
	return nil
}

// hasValue3 reports whether body has the member "value":3, ending there.
func hasValue3(body []byte) bool {
	const member = `"value":3`
	for {
		i := bytes.Index(body, []byte(member))
		if i < 0 {
			return false
		}
		body = body[i+len(member):]
		if len(body) > 0 && (body[0] == ',' || body[0] == '}') {
			return true
		}
	}
}

// sentCallID returns the call_id in an otc request, or "".
func sentCallID(req []byte) string {
	const key = `"call_id":"`
	i := bytes.Index(req, []byte(key))
	if i < 0 {
		return ""
	}
	rest := req[i+len(key):]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return ""
	}
	return string(rest[:end])
}

// checkCeiling accepts exactly the canned answer.
func checkCeiling(canned []byte) load.CheckFunc {
	return func(_ []byte, r *load.Response, _ bool) error {
		if r.Status != 200 || !bytes.Equal(r.Body, canned) {
			return fmt.Errorf("not the canned answer: %s", snippet(r.Body))
		}
		return nil
	}
}

// mcpResponse is the part of a JSON-RPC tools/call response that is checked.
type mcpResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   json.RawMessage `json:"error"`
	Result  *struct {
		IsError bool `json:"isError"`
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	} `json:"result"`
}

// checkMCP accepts a JSON (not SSE) JSON-RPC result for id 1 whose first
// content block is the text "3", which is what both peers answer (the
// official SDK adds the structured value as well).
func checkMCP(_ []byte, r *load.Response, full bool) error {
	if r.Status != 200 {
		return fmt.Errorf("want status 200: %s", snippet(r.Body))
	}
	if !full {
		if !bytes.Contains(r.Body, []byte(`"text":"3"`)) || bytes.Contains(r.Body, []byte(`"isError":true`)) {
			return fmt.Errorf("not a result of 3: %s", snippet(r.Body))
		}
		return nil
	}
	if err := wantJSON(r.ContentType); err != nil {
		return err
	}
	var resp mcpResponse
	if err := json.Unmarshal(r.Body, &resp); err != nil {
		return fmt.Errorf("decode JSON-RPC response: %w", err)
	}
	switch {
	case resp.JSONRPC != "2.0" || string(resp.ID) != "1":
		return fmt.Errorf("not a JSON-RPC 2.0 response to id 1: %s", snippet(r.Body))
	case resp.Error != nil || resp.Result == nil || resp.Result.IsError:
		return fmt.Errorf("call failed: %s", snippet(r.Body))
	case len(resp.Result.Content) == 0 || resp.Result.Content[0].Type != "text" || resp.Result.Content[0].Text != "3":
		return fmt.Errorf("content is not the text 3: %s", snippet(r.Body))
	}
	return nil
}

func wantJSON(contentType string) error {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "application/json" {
		return fmt.Errorf("Content-Type %q, want application/json", contentType)
	}
	return nil
}

// snippet returns the start of a response body for an error message. Tool
// inputs and credentials are never in a response body of this benchmark;
// the bodies are the servers' answers to 1 + 2.
func snippet(b []byte) string {
	const n = 120
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
