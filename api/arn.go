package api

import (
	"strings"
	"unicode/utf8"
)

// ARN is a parsed Step Functions ARN:
//
//	arn:<partition>:states:<region>:<account>:<resource type>:<name>[:<qualifier>][:<extra>]
//
// Resource types are stateMachine, activity, execution, express and mapRun.
// For a state machine the qualifier is a version number or an alias name;
// for an execution it is the execution name (Name is the state machine).
type ARN struct {
	Partition, Region, Account string
	Resource                   string // "stateMachine", "activity", "execution", …
	Name                       string
	Qualifier                  string
	Extra                      string // the rest after the qualifier (express executions, map runs)
}

// ParseARN splits a Step Functions ARN. It reports false for anything that
// is not arn:*:states:*:*:<type>:<name>….
func ParseARN(s string) (ARN, bool) {
	parts := strings.SplitN(s, ":", 9)
	if len(parts) < 7 || parts[0] != "arn" || parts[1] == "" || parts[2] != "states" || parts[5] == "" || parts[6] == "" {
		return ARN{}, false
	}
	a := ARN{Partition: parts[1], Region: parts[3], Account: parts[4], Resource: parts[5], Name: parts[6]}
	if len(parts) > 7 {
		a.Qualifier = parts[7]
		if a.Qualifier == "" {
			return ARN{}, false
		}
	}
	if len(parts) > 8 {
		a.Extra = parts[8]
	}
	return a, true
}

// IsVersion reports whether a state machine ARN is qualified by a version.
func (a ARN) IsVersion() bool {
	return a.Resource == "stateMachine" && a.Qualifier != "" && allDigits(a.Qualifier)
}

// IsAlias reports whether a state machine ARN is qualified by an alias.
func (a ARN) IsAlias() bool {
	return a.Resource == "stateMachine" && a.Qualifier != "" && !allDigits(a.Qualifier)
}

// Base is the unqualified state machine ARN.
func (a ARN) Base() string {
	return "arn:" + a.Partition + ":states:" + a.Region + ":" + a.Account + ":" + a.Resource + ":" + a.Name
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// arnPrefix is arn:<partition>:states:<region>:<account>: for this server.
func (c Config) arnPrefix() string {
	return "arn:" + c.Partition + ":states:" + c.Region + ":" + c.AccountID + ":"
}

// ValidName reports whether s is a valid name for a state machine,
// activity or execution: 1–80 characters, none of them whitespace,
// brackets, wildcards, the special characters "#%\^|~`$&,;:/, control
// characters, surrogates or non-characters.
func ValidName(s string) bool {
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > 80 {
		return false
	}
	for _, r := range s {
		switch {
		case r <= 0x20, r >= 0x7f && r <= 0x9f, r >= 0xfffe && r <= 0xffff, r >= 0xd800 && r <= 0xdfff, r > 0x10ffff:
			return false
		case strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r):
			return false
		case r == 0x85, r == 0xa0, r == 0x1680, r >= 0x2000 && r <= 0x200a, r == 0x2028, r == 0x2029, r == 0x202f, r == 0x205f, r == 0x3000:
			return false // Unicode whitespace
		}
	}
	return true
}

// validAliasName: 1–80 of [a-zA-Z0-9_.-], not all digits (which would read
// as a version number).
func validAliasName(s string) bool {
	if s == "" || len(s) > 80 || allDigits(s) {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}
