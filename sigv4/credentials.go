package sigv4

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Credential is an access key the verifier accepts. With a SessionToken,
// requests must carry it in X-Amz-Security-Token (as temporary AWS
// credentials do); without one, requests must carry none.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// Keyring maps access key ids to their credentials.
type Keyring map[string]Credential

// NewKeyring builds a keyring, refusing empty ids or secrets and an id
// given twice.
func NewKeyring(creds []Credential) (Keyring, error) {
	k := make(Keyring, len(creds))
	var errs []error
	for i, c := range creds {
		switch {
		case c.AccessKeyID == "":
			errs = append(errs, fmt.Errorf("credential %d: empty access key id", i+1))
		case c.SecretAccessKey == "":
			errs = append(errs, fmt.Errorf("credential %s: empty secret access key", c.AccessKeyID))
		case strings.ContainsAny(c.AccessKeyID, "/, \t"):
			errs = append(errs, fmt.Errorf("credential %q: an access key id cannot hold '/', ',' or blanks", c.AccessKeyID))
		default:
			if _, dup := k[c.AccessKeyID]; dup {
				errs = append(errs, fmt.Errorf("credential %s: given twice", c.AccessKeyID))
			}
			k[c.AccessKeyID] = c
		}
	}
	return k, errors.Join(errs...)
}

// ParseCredentials reads a credentials file: one credential a line,
//
//	ACCESS_KEY_ID SECRET_ACCESS_KEY [SESSION_TOKEN]
//
// fields separated by blanks; blank lines and lines starting with '#' are
// skipped. Every malformed line is reported, with its number.
func ParseCredentials(r io.Reader) ([]Credential, error) {
	var out []Credential
	var errs []error
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || len(f) > 3 {
			errs = append(errs, fmt.Errorf("line %d: want ACCESS_KEY_ID SECRET [SESSION_TOKEN], got %d fields", n, len(f)))
			continue
		}
		c := Credential{AccessKeyID: f[0], SecretAccessKey: f[1]}
		if len(f) == 3 {
			c.SessionToken = f[2]
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("read credentials: %w", err))
	}
	return out, errors.Join(errs...)
}
