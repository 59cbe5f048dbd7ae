package redis

// Prefix returns the key prefix s uses.
func Prefix(s *Store) string { return s.prefix }

// ParseURL exposes parseURL to the black-box tests.
var ParseURL = parseURL
var CheckVersion = checkVersion
