package config

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/go-viper/mapstructure/v2"
	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"
)

// structuredKeys are config-file keys that are not flags.
var structuredKeys = map[string]bool{"api-keys": true, "audiences": true}

// ApplyFile reads the YAML config file at path and sets every flag of fs
// that was not given on the command line or in the environment (those win)
// from the key of the same name; the structured client lists go into c. An
// unknown key, or a value that does not parse, is an *Error.
func ApplyFile(path string, fs *pflag.FlagSet, c *Serve) error {
	k := koanf.New("\x00") // no key contains NUL: keep keys literal
	if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
		return &Error{Setting: "config", Err: fmt.Errorf("reading %s: %w", path, err)}
	}
	raw := k.Raw()
	keys := make([]string, 0, len(raw))
	for key := range raw {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if structuredKeys[key] {
			continue
		}
		f := fs.Lookup(key)
		if f == nil || key == "config" || key == "help" {
			return &Error{Setting: key, Err: fmt.Errorf("config file %s: unknown key %q", path, key)}
		}
		if f.Changed {
			continue
		}
		val, err := scalarString(raw[key])
		if err != nil {
			return &Error{Setting: key, Err: fmt.Errorf("config file %s: key %q: %w", path, key, err)}
		}
		if err := fs.Set(key, val); err != nil {
			return &Error{Setting: key, Err: fmt.Errorf("config file %s: key %q: %w", path, key, err)}
		}
	}
	for key, dst := range map[string]any{"api-keys": &c.APIKeys, "audiences": &c.Audiences} {
		if _, ok := raw[key]; !ok {
			continue
		}
		err := k.UnmarshalWithConf(key, dst, koanf.UnmarshalConf{DecoderConfig: &mapstructure.DecoderConfig{
			ErrorUnused: true, Result: dst, TagName: "koanf", WeaklyTypedInput: true,
		}})
		if err != nil {
			// mapstructure's messages name keys, never values of other
			// fields, but a key's value may be a secret: keep to the key.
			return &Error{Setting: key, Err: fmt.Errorf("config file %s: key %q: %s", path, key, redactMapstructure(err))}
		}
	}
	if info, err := os.Stat(path); err == nil && info.Mode().Perm()&0o077 != 0 && len(c.APIKeys) > 0 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("config file %s holds API keys and is readable by other users (mode %o): chmod 600 it", path, info.Mode().Perm()))
	}
	return nil
}

// scalarString turns a YAML value into the text a flag parses: lists become
// comma lists.
func scalarString(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			s, err := scalarString(e)
			if err != nil {
				return "", err
			}
			if strings.Contains(s, ",") {
				return "", fmt.Errorf("list entries may not contain commas")
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ","), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("want a string, number, boolean or list, not a %T", v)
}

// redactMapstructure keeps only the parts of a decoding error that name
// keys and types.
func redactMapstructure(err error) string {
	msg := err.Error()
	if strings.Contains(msg, "has invalid keys") || strings.Contains(msg, "expected type") {
		// These messages quote key names and types only.
		return msg
	}
	return "invalid value"
}
