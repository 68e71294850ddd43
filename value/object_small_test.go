package value

import "testing"

// TestSmallObjectsGrow fills objects made with room for 0 to 3 members
// past that room, then changes and deletes members.
func TestSmallObjectsGrow(t *testing.T) {
	t.Parallel()
	for n := 0; n <= 3; n++ {
		o := NewObject(n)
		for i, k := range []string{"a", "b", "c", "d"} {
			o.Set(k, Int(int64(i)))
		}
		o.Set("a", "x")
		o.Delete("b")
		c := o.Clone()
		c.Set("e", true)
		if got, want := String(o), `{"a":"x","c":2,"d":3}`; got != want {
			t.Errorf("NewObject(%d): got %s, want %s", n, got, want)
		}
		if got, want := String(c), `{"a":"x","c":2,"d":3,"e":true}`; got != want {
			t.Errorf("NewObject(%d) clone: got %s, want %s", n, got, want)
		}
	}
}
