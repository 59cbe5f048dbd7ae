package server

import (
	"bytes"
	"strconv"

	"github.com/otc-dev/otc"
)

// MaxIDLength bounds call_id and trace_id, in bytes. Both are logged and
// call_id keys a stored record; a UUID is 36 bytes.
const MaxIDLength = 255

// badRequestMessage is the user-facing message of every malformed request
// body; the developer message says what exactly is wrong.
const badRequestMessage = "The request body is malformed."

// decodeCallRequest decodes a POST /tools/call body strictly: valid UTF-8,
// no duplicate or case-variant keys, bounded nesting (validateJSON); then
// exactly the known members of the envelope and of "request", with the
// right JSON types. Members of "context" and of its entries that this
// server does not know are ignored, as the OpenAPI document allows, but a
// case variant of a known member is never taken for it.
//
// "input" must be an object: a non-object input is a malformed envelope
// (the CallToolRequest schema says so), answered 400 before any tool is
// looked up, rather than a parameter error of one tool (422). "inputs" is
// read as "input" (COMPAT-2). An empty call_id or trace_id counts as
// absent. Errors are *otc.Error with CodeBadRequest.
func decodeCallRequest(body []byte, maxDepth int) (otc.CallRequest, error) {
	var out otc.CallRequest
	if err := validateJSON(body, maxDepth); err != nil {
		return out, badRequest(err.Error(), err)
	}
	if body[skipSpace(body, 0)] != '{' {
		return out, badRequest("the body must be a JSON object", nil)
	}
	sawRequest := false
	for it := members(body); it.next(); {
		switch string(it.key) {
		case "$schema":
			s, ok := jsonString(it.value)
			if !ok {
				return out, badRequest("$schema must be a string", nil)
			}
			out.Schema = s
		case "request":
			if it.value[0] != '{' {
				return out, badRequest("request must be an object", nil)
			}
			if err := decodeToolRequest(it.value, &out.Request); err != nil {
				return out, err
			}
			sawRequest = true
		default:
			return out, badRequest("unknown member "+quoteKey(it.key)+" in the body; want $schema and request", nil)
		}
	}
	if !sawRequest {
		return out, badRequest("the body has no request member", nil)
	}
	return out, nil
}

func decodeToolRequest(obj []byte, r *otc.CallToolRequest) error {
	var input, inputs []byte
	sawTool := false
	for it := members(obj); it.next(); {
		var ok bool
		switch string(it.key) {
		case "call_id":
			if r.CallID, ok = jsonString(it.value); !ok {
				return badRequest("request.call_id must be a string", nil)
			}
			if len(r.CallID) > MaxIDLength {
				return badRequest("request.call_id is longer than "+strconv.Itoa(MaxIDLength)+" bytes", nil)
			}
		case "trace_id":
			if r.TraceID, ok = jsonString(it.value); !ok {
				return badRequest("request.trace_id must be a string", nil)
			}
			if len(r.TraceID) > MaxIDLength {
				return badRequest("request.trace_id is longer than "+strconv.Itoa(MaxIDLength)+" bytes", nil)
			}
		case "tool_id":
			if r.ToolID, ok = jsonString(it.value); !ok {
				return badRequest("request.tool_id must be a string", nil)
			}
			sawTool = true
		case "input":
			if it.value[0] != '{' {
				return badRequest("request.input must be a JSON object", nil)
			}
			input = it.value
		case "inputs":
			if it.value[0] != '{' {
				return badRequest("request.inputs must be a JSON object", nil)
			}
			inputs = it.value
		case "context":
			if it.value[0] != '{' {
				return badRequest("request.context must be an object", nil)
			}
			r.Context = &otc.CallContext{}
			if err := decodeCallContext(it.value, r.Context); err != nil {
				return err
			}
		default:
			return badRequest("unknown member "+quoteKey(it.key)+" in request; want call_id, trace_id, tool_id, input and context", nil)
		}
	}
	if !sawTool {
		return badRequest("request.tool_id is required", nil)
	}
	switch {
	case input != nil && inputs != nil:
		if !sameJSON(input, inputs) {
			return badRequest("request.input and request.inputs differ; send only input", nil)
		}
		r.Input = input
	case input != nil:
		r.Input = input
	default:
		r.Input = inputs
	}
	return nil
}

func decodeCallContext(obj []byte, c *otc.CallContext) error {
	for it := members(obj); it.next(); {
		switch string(it.key) {
		case "user_id":
			var ok bool
			if c.UserID, ok = jsonString(it.value); !ok {
				return badRequest("request.context.user_id must be a string", nil)
			}
		case "authorization":
			if it.value[0] != '[' {
				return badRequest("request.context.authorization must be an array", nil)
			}
			for el := elements(it.value); el.next(); {
				id, token, err := idAndValue(el.value, "request.context.authorization", el.n, "token")
				if err != nil {
					return err
				}
				c.Authorization = append(c.Authorization, otc.AuthorizationToken{ID: id, Token: token})
			}
		case "secrets":
			if it.value[0] != '[' {
				return badRequest("request.context.secrets must be an array", nil)
			}
			for el := elements(it.value); el.next(); {
				id, value, err := idAndValue(el.value, "request.context.secrets", el.n, "value")
				if err != nil {
					return err
				}
				c.Secrets = append(c.Secrets, otc.Secret{ID: id, Value: value})
			}
		}
		// Other members are extensions the OpenAPI document allows.
	}
	return nil
}

// idAndValue decodes {"id": ..., <valueKey>: ...} (both strings, both
// required, other members ignored). Its errors name the member, never its
// value: the value is a token or a secret.
func idAndValue(el []byte, field string, i int, valueKey string) (id, value string, err error) {
	where := func() string { return field + "[" + strconv.Itoa(i) + "]" }
	if el[0] != '{' {
		return "", "", badRequest(where()+" must be an object", nil)
	}
	var sawID, sawValue bool
	for it := members(el); it.next(); {
		var ok bool
		switch string(it.key) {
		case "id":
			if id, ok = jsonString(it.value); !ok {
				return "", "", badRequest(where()+".id must be a string", nil)
			}
			sawID = true
		case valueKey:
			if value, ok = jsonString(it.value); !ok {
				return "", "", badRequest(where()+"."+valueKey+" must be a string", nil)
			}
			sawValue = true
		}
	}
	if !sawID || !sawValue {
		return "", "", badRequest(where()+" needs both id and "+valueKey, nil)
	}
	return id, value, nil
}

// decodeListRequest reads the optional GET /tools body (LIST-3): an object
// whose only member is "$schema".
func decodeListRequest(body []byte, maxDepth int) (schema string, err error) {
	if err := validateJSON(body, maxDepth); err != nil {
		return "", badRequest(err.Error(), err)
	}
	if body[skipSpace(body, 0)] != '{' {
		return "", badRequest("the body must be a JSON object", nil)
	}
	for it := members(body); it.next(); {
		if string(it.key) != "$schema" {
			return "", badRequest("unknown member "+quoteKey(it.key)+" in the body; want only $schema", nil)
		}
		var ok bool
		if schema, ok = jsonString(it.value); !ok {
			return "", badRequest("$schema must be a string", nil)
		}
	}
	return schema, nil
}

// sameJSON reports whether a and b are the same JSON value, whatever their
// white space and member order.
func sameJSON(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	ca, errA := canonicalJSON(a)
	cb, errB := canonicalJSON(b)
	return errA == nil && errB == nil && bytes.Equal(ca, cb)
}

func badRequest(developerMessage string, cause error) *otc.Error {
	return &otc.Error{Code: otc.CodeBadRequest, Message: badRequestMessage,
		DeveloperMessage: developerMessage, Err: cause}
}

// quoteKey names an unknown member in an error message. Member names of
// the envelope are protocol words, and naming the typo ("inptu") is what
// makes the error useful; but the name is the client's, so only a short
// name of ordinary characters is repeated, never arbitrary text.
func quoteKey(k []byte) string {
	if len(k) == 0 || len(k) > 40 {
		return "(a long or empty name)"
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '$' || c == '.') {
			return "(a name with unusual characters)"
		}
	}
	return strconv.Quote(string(k))
}
