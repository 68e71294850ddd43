package conformance

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cairn-sfn/cairn/value"
)

// A small JSONPath for the paths the normalizers and skip lists use:
// $, .name, ..name, .*, ..*, [n], [*], ['name']. It follows jsonpath_ng,
// which LocalStack's snapshot library uses: "..name" finds the member at any
// depth, arrays included.

type pathStep struct {
	descend bool   // ".." before this step
	name    string // member name; "*" for any
	index   int    // array index when isIndex
	isIndex bool
}

type path []pathStep

func parsePath(s string) (path, error) {
	if !strings.HasPrefix(s, "$") {
		return nil, fmt.Errorf("jsonpath %q: must start with $", s)
	}
	var p path
	i := 1
	for i < len(s) {
		var st pathStep
		switch {
		case strings.HasPrefix(s[i:], ".."):
			st.descend = true
			i += 2
		case s[i] == '.':
			i++
		case s[i] == '[':
		default:
			return nil, fmt.Errorf("jsonpath %q: unexpected %q at %d", s, s[i], i)
		}
		if i < len(s) && s[i] == '[' {
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("jsonpath %q: unclosed [ at %d", s, i)
			}
			in := s[i+1 : i+end]
			i += end + 1
			switch {
			case in == "*":
				st.name = "*"
			case len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0]:
				st.name = in[1 : len(in)-1]
			default:
				n, err := strconv.Atoi(in)
				if err != nil {
					return nil, fmt.Errorf("jsonpath %q: bad index %q", s, in)
				}
				st.index, st.isIndex = n, true
			}
			p = append(p, st)
			continue
		}
		j := i
		for j < len(s) && s[j] != '.' && s[j] != '[' {
			j++
		}
		if j == i {
			return nil, fmt.Errorf("jsonpath %q: empty name at %d", s, i)
		}
		st.name = s[i:j]
		i = j
		p = append(p, st)
	}
	return p, nil
}

// location is where a match sits: a member of an object or an element of an
// array. The root itself is never a match for the paths we use.
type location struct {
	obj *value.Object
	arr []any
	key string
	idx int
}

func (l location) get() any {
	if l.obj != nil {
		v, _ := l.obj.Get(l.key)
		return v
	}
	return l.arr[l.idx]
}

func (l location) set(v any) {
	if l.obj != nil {
		l.obj.Set(l.key, v)
		return
	}
	l.arr[l.idx] = v
}

// find returns the locations p matches in root, in document order.
func (p path) find(root any) []location {
	cur := []any{root}
	var locs []location
	for si, st := range p {
		var nodes []any
		if st.descend {
			for _, c := range cur {
				nodes = appendSelfAndDescendants(nodes, c)
			}
		} else {
			nodes = cur
		}
		locs = locs[:0:0]
		for _, n := range nodes {
			locs = appendChildren(locs, n, st)
		}
		if si == len(p)-1 {
			break
		}
		cur = make([]any, len(locs))
		for i, l := range locs {
			cur[i] = l.get()
		}
	}
	return locs
}

func appendSelfAndDescendants(out []any, v any) []any {
	out = append(out, v)
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = appendSelfAndDescendants(out, e)
		}
	case *value.Object:
		for _, e := range x.All() {
			out = appendSelfAndDescendants(out, e)
		}
	}
	return out
}

func appendChildren(out []location, v any, st pathStep) []location {
	switch x := v.(type) {
	case []any:
		if st.isIndex {
			i := st.index
			if i < 0 {
				i += len(x)
			}
			if i >= 0 && i < len(x) {
				out = append(out, location{arr: x, idx: i})
			}
		} else if st.name == "*" {
			for i := range x {
				out = append(out, location{arr: x, idx: i})
			}
		}
	case *value.Object:
		switch {
		case st.isIndex:
		case st.name == "*":
			for _, k := range x.Keys() {
				out = append(out, location{obj: x, key: k})
			}
		case x.Has(st.name):
			out = append(out, location{obj: x, key: st.name})
		}
	}
	return out
}
