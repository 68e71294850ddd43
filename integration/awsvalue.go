package integration

import (
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/smithy-go/document"
	"github.com/aws/smithy-go/middleware"

	"github.com/cairn-sfn/cairn/value"
)

// The AWS SDK for Go's request and response types are plain structs whose
// field names are the API's member names in PascalCase, which is also how
// Step Functions spells parameters and results. awsvalue.go converts
// between those structs and Cairn's values by reflection, so that any
// action of a supported service works without a table per action.

var (
	timeType     = reflect.TypeFor[time.Time]()
	bytesType    = reflect.TypeFor[[]byte]()
	readerType   = reflect.TypeFor[io.Reader]()
	metadataType = reflect.TypeFor[middleware.Metadata]()
	documentType = reflect.TypeFor[document.NoSerde]()
)

// maxBody caps a streamed response body (S3 GetObject) read into a result.
const maxBody = 1 << 20

// paramError is a parameter that does not fit the API's request shape.
type paramError struct{ path, msg string }

func (e *paramError) Error() string { return e.path + ": " + e.msg }

// toGo builds a value of type t from v; path names v in errors.
func toGo(v any, t reflect.Type, path string) (reflect.Value, error) {
	if v == nil {
		return reflect.Zero(t), nil
	}
	if t == attributeValueType {
		av, err := attributeValue(v, path)
		if err != nil {
			return reflect.Value{}, err
		}
		return reflect.ValueOf(av), nil
	}
	switch {
	case t == timeType:
		switch v := v.(type) {
		case value.Number:
			f := v.Float()
			// Years 1 to 9999, which an ISO 8601 timestamp can write;
			// beyond, int64(f) would make any time at all.
			if !(f >= -62135596800 && f < 253402300800) {
				return reflect.Value{}, &paramError{path, "timestamp out of range"}
			}
			sec := int64(math.Floor(f))
			return reflect.ValueOf(time.Unix(sec, int64((f-float64(sec))*1e9)).UTC()), nil
		case string:
			ts, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return reflect.Value{}, &paramError{path, "want an ISO 8601 timestamp or epoch seconds"}
			}
			return reflect.ValueOf(ts), nil
		}
		return reflect.Value{}, &paramError{path, "want a timestamp"}
	case t == bytesType:
		s := textOf(v)
		// Blobs travel as base64 in JSON; text that is not base64 is
		// taken as it is.
		if b, err := base64.StdEncoding.DecodeString(s); err == nil {
			return reflect.ValueOf(b), nil
		}
		return reflect.ValueOf([]byte(s)), nil
	case t == readerType:
		// A streamed body (S3 PutObject): text as it is, JSON as its text.
		return reflect.ValueOf(io.Reader(strings.NewReader(textOf(v)))), nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem, err := toGo(v, t.Elem(), path)
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(elem)
		return p, nil
	case reflect.String:
		// Step Functions sends JSON given for a text member (an SQS
		// MessageBody, an SNS Message, an event's Detail) as its text.
		return reflect.ValueOf(textOf(v)).Convert(t), nil
	case reflect.Bool:
		switch v := v.(type) {
		case bool:
			return reflect.ValueOf(v).Convert(t), nil
		case string:
			if b, err := strconv.ParseBool(v); err == nil {
				return reflect.ValueOf(b).Convert(t), nil
			}
		}
		return reflect.Value{}, &paramError{path, "want a boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := numberOf(v)
		if !ok {
			return reflect.Value{}, &paramError{path, "want a number"}
		}
		i, ok := n.Int()
		if !ok {
			return reflect.Value{}, &paramError{path, "want an integer"}
		}
		out := reflect.New(t).Elem()
		if out.OverflowInt(i) {
			return reflect.Value{}, &paramError{path, "integer out of range"}
		}
		out.SetInt(i)
		return out, nil
	case reflect.Float32, reflect.Float64:
		n, ok := numberOf(v)
		if !ok {
			return reflect.Value{}, &paramError{path, "want a number"}
		}
		out := reflect.New(t).Elem()
		out.SetFloat(n.Float())
		return out, nil
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return reflect.Value{}, &paramError{path, "want an array"}
		}
		out := reflect.MakeSlice(t, 0, len(list))
		for i, e := range list {
			ev, err := toGo(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return reflect.Value{}, err
			}
			out = reflect.Append(out, ev)
		}
		return out, nil
	case reflect.Map:
		o, ok := v.(*value.Object)
		if !ok || t.Key().Kind() != reflect.String {
			return reflect.Value{}, &paramError{path, "want an object"}
		}
		out := reflect.MakeMapWithSize(t, o.Len())
		for k, e := range o.All() {
			ev, err := toGo(e, t.Elem(), path+"."+k)
			if err != nil {
				return reflect.Value{}, err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		return out, nil
	case reflect.Struct:
		o, ok := v.(*value.Object)
		if !ok {
			return reflect.Value{}, &paramError{path, "want an object"}
		}
		out := reflect.New(t).Elem()
		for k, e := range o.All() {
			f, ok := fieldByName(t, k)
			if !ok {
				return reflect.Value{}, &paramError{path + "." + k, "not a member of " + strings.TrimSuffix(t.Name(), "Input")}
			}
			fv, err := toGo(e, f.Type, path+"."+k)
			if err != nil {
				return reflect.Value{}, err
			}
			out.FieldByIndex(f.Index).Set(fv)
		}
		return out, nil
	}
	return reflect.Value{}, &paramError{path, "Cairn cannot send this member (" + t.String() + ")"}
}

// fieldByName finds the exported member k (PascalCase; the case of the
// first letter is forgiven, as the SDKs' names are).
func fieldByName(t reflect.Type, k string) (reflect.StructField, bool) {
	if f, ok := t.FieldByName(k); ok && f.IsExported() && f.Type != metadataType {
		return f, true
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && f.Type != metadataType && strings.EqualFold(f.Name, k) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// textOf is v as text: a string as it is, anything else as JSON.
func textOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return value.String(v)
}

// validText is b as text, each byte that is not UTF-8 read as U+FFFD (as
// Java decodes it, and as a journal's JSON would keep it).
func validText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	s.Grow(len(b) + 16)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			s.WriteRune(utf8.RuneError)
		} else {
			s.Write(b[:size])
		}
		b = b[size:]
	}
	return s.String()
}

func numberOf(v any) (value.Number, bool) {
	switch v := v.(type) {
	case value.Number:
		return v, true
	case string:
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return value.Number(v), true
		}
	}
	return "", false
}

// fromGo turns an SDK response value into a Cairn value; ok is false for
// members that are absent (nil pointers, slices and maps, empty enums).
func fromGo(rv reflect.Value) (any, bool, error) {
	if !rv.IsValid() {
		return nil, false, nil
	}
	t := rv.Type()
	if t == attributeValueType {
		if rv.IsNil() {
			return nil, false, nil
		}
		return attributeToValue(rv.Interface()), true, nil
	}
	if t.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil, false, nil
		}
		if r, ok := rv.Interface().(io.Reader); ok {
			// A streamed body is returned as text, as Step Functions does.
			b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
			if c, ok := r.(io.Closer); ok {
				c.Close()
			}
			if err != nil {
				return nil, false, fmt.Errorf("read response body: %w", err)
			}
			if len(b) > maxBody {
				return nil, false, fmt.Errorf("response body larger than %d bytes", maxBody)
			}
			return validText(b), true, nil
		}
		return fromGo(rv.Elem())
	}
	switch {
	case t == timeType:
		return rv.Interface().(time.Time).UTC().Format(time.RFC3339Nano), true, nil
	case t == bytesType:
		if rv.IsNil() {
			return nil, false, nil
		}
		return base64.StdEncoding.EncodeToString(rv.Bytes()), true, nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil, false, nil
		}
		return fromGo(rv.Elem())
	case reflect.String:
		s := rv.String()
		if s == "" && t.Name() != "string" {
			return nil, false, nil // an unset enum
		}
		return s, true, nil
	case reflect.Bool:
		return rv.Bool(), true, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return value.Int(rv.Int()), true, nil
	case reflect.Float32, reflect.Float64:
		return value.Float(rv.Float()), true, nil
	case reflect.Slice:
		if rv.IsNil() {
			return nil, false, nil
		}
		out := make([]any, 0, rv.Len())
		for i := range rv.Len() {
			e, ok, err := fromGo(rv.Index(i))
			if err != nil {
				return nil, false, err
			}
			if ok {
				out = append(out, e)
			}
		}
		return out, true, nil
	case reflect.Map:
		if rv.IsNil() || t.Key().Kind() != reflect.String {
			return nil, false, nil
		}
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, k.String())
		}
		slices.Sort(keys) // Go maps have no order; results must be stable
		out := value.NewObject(len(keys))
		for _, k := range keys {
			e, ok, err := fromGo(rv.MapIndex(reflect.ValueOf(k).Convert(t.Key())))
			if err != nil {
				return nil, false, err
			}
			if ok {
				out.Set(k, e)
			}
		}
		return out, true, nil
	case reflect.Struct:
		out := value.NewObject(t.NumField())
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || f.Type == metadataType || f.Type == documentType {
				continue
			}
			e, ok, err := fromGo(rv.Field(i))
			if err != nil {
				return nil, false, err
			}
			if ok {
				out.Set(f.Name, e)
			}
		}
		return out, true, nil
	}
	return nil, false, nil
}
