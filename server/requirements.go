package server

import (
	"github.com/otc-dev/otc"
)

// grant checks a call's context against the tool's requirements (REQ-1..4)
// and returns what the tool may read: the secrets and authorization tokens
// it declared, by id, and only those (REQ-5). A declared item that is
// absent or empty is missing; the error (400, CodeMissingRequirements)
// lists the missing requirements as the tool declares them, never anything
// the client sent.
func grant(req *otc.Requirements, cc *otc.CallContext) (secrets, tokens map[string]string, err error) {
	if req.IsEmpty() {
		return nil, nil, nil
	}
	if cc == nil {
		cc = &otc.CallContext{}
	}
	var missing otc.MissingRequirements
	for _, a := range req.Authorization {
		token, ok, dup := lookupToken(cc.Authorization, a.ID)
		if dup {
			return nil, nil, ambiguous("request.context.authorization has more than one token for a provider the tool declares")
		}
		if !ok {
			missing.Authorization = append(missing.Authorization, a)
			continue
		}
		if tokens == nil {
			tokens = make(map[string]string, len(req.Authorization))
		}
		tokens[a.ID] = token
	}
	for _, sr := range req.Secrets {
		value, ok, dup := lookupSecret(cc.Secrets, sr.ID)
		if dup {
			return nil, nil, ambiguous("request.context.secrets has more than one value for a secret the tool declares")
		}
		if !ok {
			missing.Secrets = append(missing.Secrets, sr)
			continue
		}
		if secrets == nil {
			secrets = make(map[string]string, len(req.Secrets))
		}
		secrets[sr.ID] = value
	}
	if req.UserID && cc.UserID == "" {
		missing.UserID = true
	}
	if len(missing.Authorization) > 0 || len(missing.Secrets) > 0 || missing.UserID {
		return nil, nil, &otc.Error{Code: otc.CodeMissingRequirements,
			Message:             "The call does not carry everything the tool requires.",
			DeveloperMessage:    "see missing_requirements; send them in request.context",
			MissingRequirements: &missing}
	}
	return secrets, tokens, nil
}

// lookupToken finds the token for provider id. An empty token counts as
// absent (REQ-2: "missing or invalid"); two entries for one id are
// ambiguous, and choosing one silently could hand the tool the wrong one.
func lookupToken(ts []otc.AuthorizationToken, id string) (token string, ok, dup bool) {
	seen := false
	for _, t := range ts {
		if t.ID != id {
			continue
		}
		if seen {
			return "", false, true
		}
		seen = true
		token, ok = t.Token, t.Token != ""
	}
	return token, ok, false
}

func lookupSecret(ss []otc.Secret, id string) (value string, ok, dup bool) {
	seen := false
	for _, s := range ss {
		if s.ID != id {
			continue
		}
		if seen {
			return "", false, true
		}
		seen = true
		value, ok = s.Value, s.Value != ""
	}
	return value, ok, false
}

func ambiguous(detail string) *otc.Error {
	return badRequest(detail, nil)
}
