package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"

	"github.com/otc-dev/otc"
)

// canonicalJSON returns data re-encoded with object members sorted by key
// and no insignificant white space, so that two spellings of one value
// compare equal. Numbers keep their text (1.0 and 1 stay different): the
// same request sent twice has the same numbers, and reading them as floats
// would merge integers beyond 2^53. data must have passed validateJSON.
//
// Input already in that form is returned as it is (isCanonical), not a
// copy.
func canonicalJSON(data []byte) ([]byte, error) {
	if len(data) > 0 && isCanonical(data) {
		return data, nil
	}
	return reencodeJSON(data)
}

// reencodeJSON is canonicalJSON the long way: decoded and encoded again.
func reencodeJSON(data []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil { // encoding/json sorts map keys
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// requestDigest identifies a call request for idempotency (CALL-6): a reuse
// of a call_id is accepted only for the same digest. It covers the resolved
// tool id, the canonical input, and who is calling for whom: the
// authenticated caller and context.user_id, so that one client cannot read
// another's stored result by guessing its call_id.
//
// It deliberately leaves out the values of secrets and authorization tokens
// (REQ-5): a digest of a short secret is a way to guess it offline, and a
// client retrying with a refreshed token is still making the same request.
// The secret and provider ids need no place in it either: they are fixed by
// the tool's requirements, which the tool id already pins down.
//
// The fields are gathered in one pooled buffer and hashed at once: feeding
// a hash.Hash piece by piece costs an allocation per string converted for
// its Write, and one for its Sum.
func requestDigest(toolID string, canonicalInput []byte, caller *otc.Caller, cc *otc.CallContext) string {
	buf := getBuffer()
	defer putBuffer(buf)
	b := appendField((*buf)[:0], "otc call digest v1")
	b = appendField(b, toolID)
	b = appendField(b, canonicalInput)
	if caller != nil {
		b = appendField(b, caller.Method)
		b = appendField(b, caller.Name)
	} else {
		b = appendField(b, "")
		b = appendField(b, "")
	}
	if cc != nil {
		b = appendField(b, cc.UserID)
	} else {
		b = appendField(b, "")
	}
	*buf = b
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// appendField appends s prefixed with its length, so that no two different
// field lists hash the same bytes ("ab"+"c" against "a"+"bc").
func appendField[S string | []byte](b []byte, s S) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}
