package intrinsic

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxEncodingInput is the longest string, in Java characters (UTF-16 code
// units), that States.Base64Encode, States.Base64Decode and States.Hash
// accept.
const maxEncodingInput = 10000

// javaLength is the length of s as Java's String.length counts it.
func javaLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func limitedString(e *callEnv, args []any, i int) (string, error) {
	s, err := stringArg(e, args, i)
	if err != nil {
		return "", err
	}
	if n := javaLength(s); n > maxEncodingInput {
		return "", failf("The %s argument of %s must be at most %d characters long, but it has %d",
			ordinal(i), e.name(), maxEncodingInput, n)
	}
	return s, nil
}

// evalBase64Encode implements States.Base64Encode(text): the UTF-8 bytes of
// text in standard, padded base64.
func evalBase64Encode(e *callEnv, args []any) (any, error) {
	s, err := limitedString(e, args, 0)
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

// evalBase64Decode implements States.Base64Decode(base64): the decoded bytes
// read as UTF-8. Like Java's basic decoder it takes the padding as optional
// and rejects anything outside the base64 alphabet, line breaks included.
func evalBase64Decode(e *callEnv, args []any) (any, error) {
	s, err := limitedString(e, args, 0)
	if err != nil {
		return nil, err
	}
	enc := base64.RawStdEncoding
	if strings.HasSuffix(s, "=") {
		enc = base64.StdEncoding
	}
	if strings.ContainsAny(s, "\r\n") {
		return nil, failf("The argument of States.Base64Decode is not valid base64: it contains a line break")
	}
	b, err := enc.Strict().DecodeString(s)
	if err != nil {
		return nil, failf("The argument of States.Base64Decode is not valid base64: %v", err)
	}
	if !utf8.Valid(b) {
		// Java decodes malformed UTF-8 with U+FFFD replacements.
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	}
	return string(b), nil
}

// hashAlgorithms lists what States.Hash accepts, in AWS's spelling.
const hashAlgorithms = "MD5, SHA-1, SHA-256, SHA-384, SHA-512"

func newHash(name string) hash.Hash {
	switch name {
	case "MD5":
		return md5.New()
	case "SHA-1":
		return sha1.New()
	case "SHA-256":
		return sha256.New()
	case "SHA-384":
		return sha512.New384()
	case "SHA-512":
		return sha512.New()
	}
	return nil
}

// evalHash implements States.Hash(data, algorithm): the lowercase hex digest
// of data's UTF-8 bytes.
func evalHash(e *callEnv, args []any) (any, error) {
	data, err := limitedString(e, args, 0)
	if err != nil {
		return nil, err
	}
	alg, err := stringArg(e, args, 1)
	if err != nil {
		return nil, err
	}
	h := newHash(alg)
	if h == nil {
		return nil, failf("The hashing algorithm '%s' is not supported by States.Hash; use one of %s",
			alg, hashAlgorithms)
	}
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}
