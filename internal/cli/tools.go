package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/otc-dev/otc"
	"github.com/otc-dev/otc/client"
)

func newToolsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tools",
		Short: "List and describe the tools of an OTC server",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newToolsListCmd(), newToolsShowCmd())
	return cmd
}

func newToolsListCmd() *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the tools the server offers",
		Long: `List the tools the server offers (GET /tools): id, description, required
parameters and requirements, or the full definitions with --output json.

Exit status: 0 on success, 2 for a usage error, 3 when the server refused the
request (authentication) or could not be reached.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.load(cmd.Flags()); err != nil {
				return err
			}
			defs, err := f.listTools(cmd.Context())
			if err != nil {
				return err
			}
			if f.output == outputJSON {
				return writeIndentedJSON(cmd.OutOrStdout(), defs)
			}
			return writeToolTable(cmd.OutOrStdout(), defs)
		},
	}
	f.register(cmd.Flags())
	annotateClientEnv(cmd.Flags())
	return cmd
}

func newToolsShowCmd() *cobra.Command {
	var f clientFlags
	cmd := &cobra.Command{
		Use:   "show TOOL_ID",
		Short: "Show a tool's full definition",
		Long: `Show a tool's full definition, with its input and output schemas.

TOOL_ID is Toolkit.Tool (the newest version), Toolkit.Tool@x (version x.0.0)
or Toolkit.Tool@x.y.z.

Exit status: 0 on success, 2 for a usage error, 3 when the server has no
such tool, refused the request (authentication) or could not be reached.`,
		Args: exactArgs(1, "TOOL_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.load(cmd.Flags()); err != nil {
				return err
			}
			if _, err := otc.ParseToolID(args[0]); err != nil {
				return usageError(err)
			}
			defs, err := f.listTools(cmd.Context())
			if err != nil {
				return err
			}
			def, ok := client.FindTool(defs, args[0])
			if !ok {
				return &ExitError{Code: ExitAuthOrSrv, Err: errNoTool(args[0])}
			}
			if f.output == outputJSON {
				return writeIndentedJSON(cmd.OutOrStdout(), def)
			}
			return writeToolDetail(cmd.OutOrStdout(), def)
		},
	}
	f.register(cmd.Flags())
	annotateClientEnv(cmd.Flags())
	return cmd
}

// listTools fetches the server's tool definitions with the flags'
// credentials, with a failure already given its exit status.
func (f *clientFlags) listTools(ctx context.Context) ([]otc.ToolDefinition, error) {
	c, creds, err := f.newClient(true)
	if err != nil {
		return nil, err
	}
	defs, err := c.ListTools(ctx)
	if err != nil {
		return nil, exitError(err, creds)
	}
	return defs, nil
}

// exactArgs is cobra.ExactArgs with a usage error that names the argument.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError(fmt.Errorf("%s takes %s (got %d arguments)", cmd.CommandPath(), names, len(args)))
		}
		return nil
	}
}

// writeIndentedJSON prints v as indented JSON.
func writeIndentedJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

// descriptionWidth bounds the description column of the tool table.
const descriptionWidth = 60

// writeToolTable prints one line per tool: id, description, required
// parameters and requirements.
func writeToolTable(w io.Writer, defs []otc.ToolDefinition) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDESCRIPTION\tREQUIRED\tREQUIREMENTS")
	for _, d := range defs {
		required := strings.Join(requiredParameters(d.InputSchema.Parameters), ",")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", cell(d.ID), shorten(cell(firstLine(d.Description)), descriptionWidth),
			orDash(cell(required)), orDash(cell(describeRequirements(d.Requirements))))
	}
	return tw.Flush()
}

// writeToolDetail prints a definition for a person to read, with the
// schemas pretty-printed.
func writeToolDetail(w io.Writer, d otc.ToolDefinition) error {
	var b strings.Builder
	fmt.Fprintf(&b, "ID:           %s\n", terminalSafe(d.ID))
	fmt.Fprintf(&b, "Name:         %s\n", terminalSafe(d.Name))
	fmt.Fprintf(&b, "Version:      %s\n", terminalSafe(d.Version))
	fmt.Fprintf(&b, "Description:  %s\n", terminalSafe(d.Description))
	fmt.Fprintf(&b, "Requirements: %s\n", orNone(terminalSafe(describeRequirements(d.Requirements))))
	fmt.Fprintf(&b, "Input schema:\n%s\n", indentJSON(d.InputSchema.Parameters))
	fmt.Fprintf(&b, "Output schema:\n%s\n", indentJSON(d.OutputSchema))
	_, err := io.WriteString(w, b.String())
	return err
}

// indentJSON pretty-prints raw with a two-space margin.
func indentJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		raw = json.RawMessage("null")
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "  ", "  "); err != nil {
		return "  " + terminalSafe(string(raw))
	}
	return "  " + buf.String()
}

// requiredParameters returns the "required" list of an input schema.
func requiredParameters(schema json.RawMessage) []string {
	var s struct {
		Required []string `json:"required"`
	}
	if json.Unmarshal(schema, &s) != nil {
		return nil
	}
	return s.Required
}

// describeRequirements summarises what a call to the tool must carry
// besides its input (DEF-6), e.g. "secrets: API_KEY; authorization:
// google; user_id".
func describeRequirements(r *otc.Requirements) string {
	if r.IsEmpty() {
		return ""
	}
	var parts []string
	if len(r.Secrets) > 0 {
		ids := make([]string, len(r.Secrets))
		for i, s := range r.Secrets {
			ids[i] = s.ID
		}
		parts = append(parts, "secrets: "+strings.Join(ids, ","))
	}
	if len(r.Authorization) > 0 {
		ids := make([]string, len(r.Authorization))
		for i, a := range r.Authorization {
			ids[i] = a.ID
			if a.OAuth2 != nil && len(a.OAuth2.Scopes) > 0 {
				ids[i] += " (" + strings.Join(a.OAuth2.Scopes, " ") + ")"
			}
		}
		parts = append(parts, "authorization: "+strings.Join(ids, ","))
	}
	if r.UserID {
		parts = append(parts, "user_id")
	}
	return strings.Join(parts, "; ")
}

// firstLine returns s up to its first line break.
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// cell makes server text fit one table cell: terminal-safe, on one line,
// without the tabs that would shift the columns.
func cell(s string) string {
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(terminalSafe(s))
}

// shorten cuts s to at most n runes.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// terminalSafe replaces control characters other than new lines and tabs
// in text that a server sent, so that it cannot move the cursor, change
// colours or retitle the terminal of the person reading it.
func terminalSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError:
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
