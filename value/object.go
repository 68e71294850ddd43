package value

import "iter"

// indexAbove is the size from which an Object keeps a key index; smaller
// objects are searched linearly, which is faster and allocates nothing.
const indexAbove = 12

// Object is a JSON object that keeps its keys in insertion order. Setting an
// existing key replaces its value in place, as Jackson's ObjectNode does.
// The zero value is an empty object ready to use.
type Object struct {
	keys  []string
	vals  []any
	index map[string]int
}

// NewObject returns an empty object with room for n members.
func NewObject(n int) *Object {
	// Small objects (payload templates, $$ members) are one allocation:
	// the object and its first members' storage together.
	switch n {
	case 1:
		b := new(struct {
			o Object
			k [1]string
			v [1]any
		})
		b.o.keys, b.o.vals = b.k[:0], b.v[:0]
		return &b.o
	case 2:
		b := new(struct {
			o Object
			k [2]string
			v [2]any
		})
		b.o.keys, b.o.vals = b.k[:0], b.v[:0]
		return &b.o
	}
	return &Object{keys: make([]string, 0, n), vals: make([]any, 0, n)}
}

// Len returns the number of members.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

func (o *Object) find(k string) int {
	if o.index != nil {
		if i, ok := o.index[k]; ok {
			return i
		}
		return -1
	}
	for i, key := range o.keys {
		if key == k {
			return i
		}
	}
	return -1
}

// Get returns the value of member k and whether it exists.
func (o *Object) Get(k string) (any, bool) {
	if o == nil {
		return nil, false
	}
	if i := o.find(k); i >= 0 {
		return o.vals[i], true
	}
	return nil, false
}

// Has reports whether member k exists.
func (o *Object) Has(k string) bool {
	_, ok := o.Get(k)
	return ok
}

// Set sets member k, replacing an existing value in place or appending.
// Set mutates o: use it only while building a new object.
func (o *Object) Set(k string, v any) {
	if i := o.find(k); i >= 0 {
		o.vals[i] = v
		return
	}
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
	if o.index != nil {
		o.index[k] = len(o.keys) - 1
	} else if len(o.keys) > indexAbove {
		o.index = make(map[string]int, len(o.keys)*2)
		for i, key := range o.keys {
			o.index[key] = i
		}
	}
}

// Delete removes member k if present. It mutates o.
func (o *Object) Delete(k string) {
	i := o.find(k)
	if i < 0 {
		return
	}
	o.keys = append(o.keys[:i], o.keys[i+1:]...)
	o.vals = append(o.vals[:i], o.vals[i+1:]...)
	if o.index != nil {
		delete(o.index, k)
		for j := i; j < len(o.keys); j++ {
			o.index[o.keys[j]] = j
		}
	}
}

// Keys returns the keys in order. The slice must not be modified.
func (o *Object) Keys() []string {
	if o == nil {
		return nil
	}
	return o.keys
}

// At returns the i-th member.
func (o *Object) At(i int) (string, any) { return o.keys[i], o.vals[i] }

// All iterates over the members in order.
func (o *Object) All() iter.Seq2[string, any] {
	return func(yield func(string, any) bool) {
		if o == nil {
			return
		}
		for i, k := range o.keys {
			if !yield(k, o.vals[i]) {
				return
			}
		}
	}
}

// Clone returns a shallow copy of o that can be changed without affecting o.
func (o *Object) Clone() *Object {
	c := &Object{keys: make([]string, len(o.keys), len(o.keys)+1), vals: make([]any, len(o.vals), len(o.vals)+1)}
	copy(c.keys, o.keys)
	copy(c.vals, o.vals)
	if o.index != nil {
		c.index = make(map[string]int, len(o.index))
		for k, i := range o.index {
			c.index[k] = i
		}
	}
	return c
}

// ObjectOf builds an object from alternating keys and values, for tests and
// literals: ObjectOf("a", Int(1), "b", "x").
func ObjectOf(kv ...any) *Object {
	o := NewObject(len(kv) / 2)
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}
