package otc

// DefinitionError reports a tool definition that breaks the protocol's rules
// (DEF-1..DEF-6). NewTool, NewRawTool and Registry.Register return it, so
// that a mistake is found when the server starts, never at call time. Use
// errors.As to get at it.
type DefinitionError struct {
	// Tool identifies the tool as far as it is known: its id
	// "Toolkit.Name@x.y.z", or whatever parts of it were given.
	Tool string
	// Field names the offending part of the definition in the served form,
	// e.g. "name", "version", "input_schema.parameters.properties.city" or
	// "requirements.secrets[1].id".
	Field string
	// Reason says what is wrong, and usually what would be right.
	Reason string
}

// Error returns `otc: tool "<Tool>": <Field>: <Reason>`.
func (e *DefinitionError) Error() string {
	return "otc: tool " + quoteShort(e.Tool) + ": " + e.Field + ": " + e.Reason
}

// specLabel names a tool in a DefinitionError before its parts are known to
// be valid.
func specLabel(s ToolSpec) string {
	return s.Toolkit + "." + s.Name + "@" + s.Version
}
