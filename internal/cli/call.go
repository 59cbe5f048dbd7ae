package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/client"
)

// maxInputFile bounds the file or standard input read by --input @file.
const maxInputFile = 16 << 20

// callFlags are the flags of "otc call" beyond the client flags.
type callFlags struct {
	input         string
	callID        string
	traceID       string
	userID        string
	secrets       []string
	authorization []string
}

// callOnlyFlags are never read from the environment: they describe one call.
var callOnlyFlags = []string{"input", "call-id", "trace-id", "user-id", "secret", "authorization"}

func newCallCmd() *cobra.Command {
	var (
		f  clientFlags
		cf callFlags
	)
	cmd := &cobra.Command{
		Use:   "call TOOL_ID [key=value ...]",
		Short: "Call a tool",
		Long: `Call a tool (POST /tools/call) and print its value, or its error with the
hints for a retry.

The input is a JSON object given with --input (inline, or @file.json, or @-
for standard input), or key=value arguments. Each value is typed by the
tool's input schema, which is fetched first: numbers, integers and booleans
are converted, arrays and objects are written as JSON, strings are taken as
they are. So "otc call Calculator.Add a=1 b=2" sends {"a":1,"b":2}.

Tool errors that say can_retry are retried after their retry_after_ms, with
the same call_id so that the tool runs at most once.

Exit status: 0 when the tool succeeded, 1 when it failed (a tool error), 2
for a usage error or input that the server found invalid (422), 3 when the
server refused the call (authentication, unknown tool, missing requirements)
or could not be reached.`,
		Example: `  otc call Calculator.Add a=1 b=2
  otc call Calculator.Add@1 --input '{"a": 1, "b": 2}'
  otc call Demo.SecretFingerprint --secret DEMO_SECRET="$SECRET" --output json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError(errors.New("otc call takes TOOL_ID and then key=value arguments"))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.load(cmd.Flags(), callOnlyFlags...); err != nil {
				return err
			}
			return runCall(cmd, &f, &cf, args[0], args[1:])
		},
	}
	fs := cmd.Flags()
	f.register(fs)
	fs.StringVar(&cf.input, "input", "", "input object as JSON, @file.json, or @- for standard input")
	fs.StringVar(&cf.callID, "call-id", "", "call id, the idempotency key (default: generated)")
	fs.StringVar(&cf.traceID, "trace-id", "", "trace id to carry into the server's logs")
	fs.StringVar(&cf.userID, "user-id", "", "context.user_id, for tools that require one")
	fs.StringArrayVar(&cf.secrets, "secret", nil, "secret for the tool as ID=VALUE (repeatable)")
	fs.StringArrayVar(&cf.authorization, "authorization", nil, "authorization token for the tool as ID=TOKEN (repeatable)")
	annotateClientEnv(fs, callOnlyFlags...)
	return cmd
}

// runCall builds the input, calls the tool and prints the outcome.
func runCall(cmd *cobra.Command, f *clientFlags, cf *callFlags, toolID string, pairs []string) error {
	if _, err := otc.ParseToolID(toolID); err != nil {
		return usageError(err)
	}
	opts, err := cf.callOptions()
	if err != nil {
		return err
	}
	if cf.input != "" && len(pairs) > 0 {
		return usageError(errors.New("give the input with --input or as key=value arguments, not both"))
	}
	c, creds, err := f.newClient(true)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var input json.RawMessage
	switch {
	case cf.input != "":
		if input, err = readInputFlag(cf.input, cmd.InOrStdin()); err != nil {
			return usageError(err)
		}
	case len(pairs) > 0:
		defs, err := c.ListTools(ctx)
		if err != nil {
			return exitError(err, creds)
		}
		resolved, in, err := resolveKeyValueCall(defs, toolID, pairs)
		var noTool *noToolError
		if errors.As(err, &noTool) {
			return &ExitError{Code: ExitAuthOrSrv, Err: err}
		}
		if err != nil {
			return usageError(err)
		}
		if resolved != toolID {
			fmt.Fprintf(cmd.ErrOrStderr(), "otc: calling %s, the newest %s whose parameters fit the arguments\n", resolved, toolID)
			toolID = resolved
		}
		input = in
	}

	stderr := cmd.ErrOrStderr()
	var sp *spinner
	if isTerminal(stderr) {
		sp = startSpinner(stderr, toolID, spinnerDelay)
	}
	res, err := c.CallTool(ctx, toolID, input, opts...)
	sp.Stop()
	if err != nil {
		return exitError(err, creds)
	}
	out := cmd.OutOrStdout()
	if f.output == outputJSON {
		if err := writeIndentedJSON(out, otc.CallToolResponse{CallID: res.CallID,
			Duration: float64(res.Duration) / float64(time.Millisecond), Success: res.Success,
			Value: res.Value, Error: res.Error}); err != nil {
			return err
		}
	} else if res.Success {
		if err := writeValue(out, res.Value); err != nil {
			return err
		}
	} else {
		writeToolError(stderr, res)
	}
	if !res.Success {
		return &ExitError{Code: ExitFailure}
	}
	return nil
}

// callOptions turns the call flags into client call options.
func (cf *callFlags) callOptions() ([]client.CallOption, error) {
	opts := []client.CallOption{}
	if cf.callID != "" {
		opts = append(opts, client.WithCallID(cf.callID))
	}
	if cf.traceID != "" {
		opts = append(opts, client.WithTraceID(cf.traceID))
	}
	if cf.userID != "" {
		opts = append(opts, client.WithUserID(cf.userID))
	}
	for _, s := range cf.secrets {
		id, value, ok := strings.Cut(s, "=")
		if !ok || id == "" {
			// The argument may be a bare secret: never echo it.
			return nil, usageError(errors.New("--secret takes ID=VALUE"))
		}
		opts = append(opts, client.WithSecret(id, value))
	}
	for _, a := range cf.authorization {
		id, token, ok := strings.Cut(a, "=")
		if !ok || id == "" {
			return nil, usageError(errors.New("--authorization takes ID=TOKEN"))
		}
		opts = append(opts, client.WithAuthorization(id, token))
	}
	return opts, nil
}

// readInputFlag returns the input object of --input: inline JSON, @file,
// or @- for stdin.
func readInputFlag(v string, stdin io.Reader) (json.RawMessage, error) {
	data, where := []byte(v), "--input"
	if name, ok := strings.CutPrefix(v, "@"); ok {
		var rd io.Reader = stdin
		where = "standard input"
		if name != "-" {
			fh, err := os.Open(name)
			if err != nil {
				return nil, fmt.Errorf("--input: %w", err)
			}
			defer fh.Close()
			rd, where = fh, name
		}
		b, err := io.ReadAll(io.LimitReader(rd, maxInputFile+1))
		if err != nil {
			return nil, fmt.Errorf("--input: read %s: %w", where, err)
		}
		if len(b) > maxInputFile {
			return nil, fmt.Errorf("--input: %s is larger than %d bytes", where, maxInputFile)
		}
		data = b
	}
	data = bytes.TrimSpace(data)
	if !json.Valid(data) {
		return nil, fmt.Errorf("--input: %s is not valid JSON", where)
	}
	if len(data) == 0 || data[0] != '{' {
		return nil, fmt.Errorf("--input: %s must be a JSON object", where)
	}
	return data, nil
}

// inputSchema is the part of a tool's input schema that types key=value
// arguments.
type inputSchema struct {
	Properties           map[string]json.RawMessage `json:"properties"`
	AdditionalProperties json.RawMessage            `json:"additionalProperties"`
}

// keyValueInput builds the input object from key=value arguments, typing
// each value by its parameter's schema.
func keyValueInput(schema json.RawMessage, pairs []string) (json.RawMessage, error) {
	var s inputSchema
	_ = json.Unmarshal(schema, &s) // a schema we cannot read types nothing: values stay strings
	input := make(map[string]json.RawMessage, len(pairs))
	for i, p := range pairs {
		key, value, ok := strings.Cut(p, "=")
		if !ok || key == "" {
			// Not echoed: a misplaced secret must not reach the terminal log.
			return nil, fmt.Errorf("argument %d after TOOL_ID: want key=value", i+1)
		}
		if _, dup := input[key]; dup {
			return nil, fmt.Errorf("parameter %q is given twice", key)
		}
		prop, known := s.Properties[key]
		if !known && s.Properties != nil && bytes.Equal(bytes.TrimSpace(s.AdditionalProperties), []byte("false")) {
			return nil, fmt.Errorf("the tool has no parameter %q (it has: %s)", key, strings.Join(sortedKeys(s.Properties), ", "))
		}
		v, err := typedValue(prop, value)
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %w", key, err)
		}
		input[key] = v
	}
	return json.Marshal(input)
}

// typedValue converts a command-line value to JSON as its parameter's
// schema types it. A schema that allows several types gets the first that
// the value parses as, strings last; a schema without types gets a string.
func typedValue(schema json.RawMessage, value string) (json.RawMessage, error) {
	types := schemaTypes(schema)
	for _, t := range []string{"integer", "number", "boolean", "null", "array", "object"} {
		if !types[t] {
			continue
		}
		if v, ok := parseAs(t, value); ok {
			return v, nil
		}
	}
	if types["string"] || len(types) == 0 {
		return json.Marshal(value)
	}
	names := make([]string, 0, len(types))
	for t := range types {
		names = append(names, t)
	}
	sort.Strings(names)
	// The value is not echoed: it may be a secret typed in the wrong place.
	return nil, fmt.Errorf("the value is not a valid %s", strings.Join(names, " or "))
}

// parseAs converts value to JSON of type t, reporting whether it is one.
func parseAs(t, value string) (json.RawMessage, bool) {
	value = strings.TrimSpace(value)
	switch t {
	case "integer":
		if n, ok := new(big.Int).SetString(value, 10); ok {
			return json.RawMessage(n.String()), true
		}
		// JSON Schema integers include 1.0 and 1e3.
		if f, err := strconv.ParseFloat(value, 64); err == nil && f == math.Trunc(f) && !math.IsInf(f, 0) {
			return json.RawMessage(strconv.FormatFloat(f, 'f', -1, 64)), true
		}
	case "number":
		if f, err := strconv.ParseFloat(value, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.RawMessage(strconv.FormatFloat(f, 'g', -1, 64)), true
		}
	case "boolean":
		switch strings.ToLower(value) {
		case "true":
			return json.RawMessage("true"), true
		case "false":
			return json.RawMessage("false"), true
		}
	case "null":
		if value == "null" {
			return json.RawMessage("null"), true
		}
	case "array", "object":
		open := map[string]byte{"array": '[', "object": '{'}[t]
		if len(value) > 0 && value[0] == open && json.Valid([]byte(value)) {
			var buf bytes.Buffer
			if json.Compact(&buf, []byte(value)) == nil {
				return buf.Bytes(), true
			}
		}
	}
	return nil, false
}

// schemaTypes collects the types a parameter schema allows: its "type"
// (a name or a list), and those of its anyOf and oneOf branches.
func schemaTypes(schema json.RawMessage) map[string]bool {
	types := map[string]bool{}
	var s struct {
		Type  json.RawMessage   `json:"type"`
		AnyOf []json.RawMessage `json:"anyOf"`
		OneOf []json.RawMessage `json:"oneOf"`
	}
	if len(schema) == 0 || json.Unmarshal(schema, &s) != nil {
		return types
	}
	var one string
	var many []string
	if json.Unmarshal(s.Type, &one) == nil {
		types[one] = true
	} else if json.Unmarshal(s.Type, &many) == nil {
		for _, t := range many {
			types[t] = true
		}
	}
	for _, branch := range append(s.AnyOf, s.OneOf...) {
		var b struct {
			Type json.RawMessage `json:"type"`
		}
		if json.Unmarshal(branch, &b) != nil {
			continue
		}
		if json.Unmarshal(b.Type, &one) == nil {
			types[one] = true
		} else if json.Unmarshal(b.Type, &many) == nil {
			for _, t := range many {
				types[t] = true
			}
		}
	}
	return types
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// writeValue prints a tool's value: a string as it is, anything else as
// indented JSON.
func writeValue(w io.Writer, value json.RawMessage) error {
	if len(value) == 0 {
		return nil
	}
	var s string
	if json.Unmarshal(value, &s) == nil {
		_, err := fmt.Fprintln(w, terminalSafe(s))
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, value, "", "  "); err != nil {
		buf.Reset()
		buf.Write(value)
	}
	_, err := fmt.Fprintln(w, terminalSafe(buf.String()))
	return err
}

// writeToolError prints a tool's failure with the hints for a retry.
func writeToolError(w io.Writer, res *client.Result) {
	te := res.Error
	if te == nil {
		te = &otc.ToolError{}
	}
	fmt.Fprintf(w, "tool error: %s\n", terminalSafe(te.Message))
	if te.DeveloperMessage != "" {
		fmt.Fprintf(w, "  developer message: %s\n", terminalSafe(te.DeveloperMessage))
	}
	switch {
	case res.CanRetry() && res.RetryAfter() > 0:
		fmt.Fprintf(w, "  can retry: yes, after %s\n", res.RetryAfter())
	case res.CanRetry():
		fmt.Fprintln(w, "  can retry: yes")
	default:
		fmt.Fprintln(w, "  can retry: no")
	}
	if p := res.AdditionalPromptContent(); p != "" {
		fmt.Fprintf(w, "  additional prompt content: %s\n", terminalSafe(p))
	}
	if res.Attempts > 1 {
		fmt.Fprintf(w, "  attempts: %d\n", res.Attempts)
	}
	fmt.Fprintf(w, "  call id: %s\n", terminalSafe(res.CallID))
}
