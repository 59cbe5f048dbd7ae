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
// read as "input" (COMPAT-2). Errors are *otc.Error with CodeBadRequest.
func decodeCallRequest(body []byte, maxDepth int) (otc.CallRequest, error) {
	var out otc.CallRequest
	if err := validateJSON(body, maxDepth); err != nil {
		return out, badRequest(err.Error(), err)
	}
	if body[skipSpace(body, 0)] != '{' {
		return out, badRequest("the body must be a JSON object", nil)
	}
	sawRequest := false
	err := eachMember(body, func(key string, val []byte) error {
		switch key {
		case "$schema":
			s, ok := jsonString(val)
			if !ok {
				return badRequest("$schema must be a string", nil)
			}
			out.Schema = s
		case "request":
			if val[0] != '{' {
				return badRequest("request must be an object", nil)
			}
			sawRequest = true
			return decodeToolRequest(val, &out.Request)
		default:
			return badRequest("unknown member "+quoteKey(key)+" in the body; want $schema and request", nil)
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	if !sawRequest {
		return out, badRequest("the body has no request member", nil)
	}
	return out, nil
}

func decodeToolRequest(obj []byte, r *otc.CallToolRequest) error {
	var input, inputs []byte
	sawTool := false
	err := eachMember(obj, func(key string, val []byte) error {
		var ok bool
		switch key {
		case "call_id":
			if r.CallID, ok = jsonString(val); !ok {
				return badRequest("request.call_id must be a string", nil)
			}
			if len(r.CallID) > MaxIDLength {
				return badRequest("request.call_id is longer than "+strconv.Itoa(MaxIDLength)+" bytes", nil)
			}
		case "trace_id":
			if r.TraceID, ok = jsonString(val); !ok {
				return badRequest("request.trace_id must be a string", nil)
			}
			if len(r.TraceID) > MaxIDLength {
				return badRequest("request.trace_id is longer than "+strconv.Itoa(MaxIDLength)+" bytes", nil)
			}
		case "tool_id":
			if r.ToolID, ok = jsonString(val); !ok {
				return badRequest("request.tool_id must be a string", nil)
			}
			sawTool = true
		case "input":
			if val[0] != '{' {
				return badRequest("request.input must be a JSON object", nil)
			}
			input = val
		case "inputs":
			if val[0] != '{' {
				return badRequest("request.inputs must be a JSON object", nil)
			}
			inputs = val
		case "context":
			if val[0] != '{' {
				return badRequest("request.context must be an object", nil)
			}
			r.Context = &otc.CallContext{}
			return decodeCallContext(val, r.Context)
		default:
			return badRequest("unknown member "+quoteKey(key)+" in request; want call_id, trace_id, tool_id, input and context", nil)
		}
		return nil
	})
	if err != nil {
		return err
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
	return eachMember(obj, func(key string, val []byte) error {
		switch key {
		case "user_id":
			var ok bool
			if c.UserID, ok = jsonString(val); !ok {
				return badRequest("request.context.user_id must be a string", nil)
			}
		case "authorization":
			if val[0] != '[' {
				return badRequest("request.context.authorization must be an array", nil)
			}
			return eachElement(val, func(i int, el []byte) error {
				id, token, err := idAndValue(el, "request.context.authorization", i, "token")
				if err != nil {
					return err
				}
				c.Authorization = append(c.Authorization, otc.AuthorizationToken{ID: id, Token: token})
				return nil
			})
		case "secrets":
			if val[0] != '[' {
				return badRequest("request.context.secrets must be an array", nil)
			}
			return eachElement(val, func(i int, el []byte) error {
				id, value, err := idAndValue(el, "request.context.secrets", i, "value")
				if err != nil {
					return err
				}
				c.Secrets = append(c.Secrets, otc.Secret{ID: id, Value: value})
				return nil
			})
		}
		// Other members are extensions the OpenAPI document allows.
		return nil
	})
}

// idAndValue decodes {"id": ..., <valueKey>: ...} (both strings, both
// required, other members ignored). Its errors name the member, never its
// value: the value is a token or a secret.
func idAndValue(el []byte, field string, i int, valueKey string) (id, value string, err error) {
	where := field + "[" + strconv.Itoa(i) + "]"
	if el[0] != '{' {
		return "", "", badRequest(where+" must be an object", nil)
	}
	var sawID, sawValue bool
	err = eachMember(el, func(key string, val []byte) error {
		var ok bool
		switch key {
		case "id":
			if id, ok = jsonString(val); !ok {
				return badRequest(where+".id must be a string", nil)
			}
			sawID = true
		case valueKey:
			if value, ok = jsonString(val); !ok {
				return badRequest(where+"."+valueKey+" must be a string", nil)
			}
			sawValue = true
		}
		return nil
	})
	if err != nil {
		return "", "", err
	}
	if !sawID || !sawValue {
		return "", "", badRequest(where+" needs both id and "+valueKey, nil)
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
	err = eachMember(body, func(key string, val []byte) error {
		if key != "$schema" {
			return badRequest("unknown member "+quoteKey(key)+" in the body; want only $schema", nil)
		}
		var ok bool
		if schema, ok = jsonString(val); !ok {
			return badRequest("$schema must be a string", nil)
		}
		return nil
	})
	return schema, err
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
func quoteKey(k string) string {
	if len(k) == 0 || len(k) > 40 {
		return "(a long or empty name)"
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '$' || c == '.') {
			return "(a name with unusual characters)"
		}
	}
	return strconv.Quote(k)
}
