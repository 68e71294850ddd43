package interp

import (
	"strings"
	"testing"

	"github.com/cairn-sfn/cairn/value"
)

func TestParseItems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		cfg  readerConfig
		want string // items, or "error: " and the message
	}{
		// The recordings order a CSV item's keys as java.util.HashMap does.
		{"csv hash order", "0,True,{}\nValue4,Value5,Value6\n", readerConfig{inputType: "CSV"},
			`[{"0":"Value4","{}":"Value6","True":"Value5"}]`},
		{"csv empty header first", "H1,\nValue4,Value5,Value6\n", readerConfig{inputType: "CSV"},
			`[{"":"Value5","H1":"Value4"}]`},
		{"csv max items", "A\n1\n2\n3\n", readerConfig{inputType: "CSV", maxItems: 2}, `[{"A":"1"},{"A":"2"}]`},
		{"csv only headers", "A,B\n", readerConfig{inputType: "CSV"}, `[]`},
		{"csv empty", "", readerConfig{inputType: "CSV"}, `[]`},
		{"csv quoted", "A,B\n\"x,y\",\"q\"\"\"\n", readerConfig{inputType: "CSV"}, `[{"A":"x,y","B":"q\""}]`},
		{"csv tab given", "1\t2\n", readerConfig{inputType: "CSV", headerLoc: "GIVEN", headers: []string{"a", "b"}, delimiter: '\t'},
			`[{"a":"1","b":"2"}]`},
		{"csv duplicate first row", "A,A\n1,2\n", readerConfig{inputType: "CSV"}, `error: CSV headers cannot contain duplicates.`},
		{"json", `[1,{"a":[2]}]`, readerConfig{inputType: "JSON"}, `[1,{"a":[2]}]`},
		{"json default", `[true]`, readerConfig{}, `[true]`},
		{"json object", `{"a":1}`, readerConfig{inputType: "JSON"}, `error: Attempting to map over non-iterable node.`},
		{"json broken", `[1,`, readerConfig{inputType: "JSON"}, `error: Attempting to map over non-iterable node.`},
		{"jsonl", "1\n\n{\"a\":2}\r\n", readerConfig{inputType: "JSONL"}, `[1,{"a":2}]`},
		{"jsonl max", "1\n2\n3", readerConfig{inputType: "JSONL", maxItems: 1}, `[1]`},
		{"jsonl broken", "1\n{", readerConfig{inputType: "JSONL"}, `error: The JSONL object could not be parsed: each line must hold one JSON value.`},
		{"manifest", "{}", readerConfig{inputType: "MANIFEST"}, `error: Cairn does not read ItemReader InputType MANIFEST.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			items, err := parseItems(tt.body, tt.cfg)
			got := value.String(items)
			if err != nil {
				got = "error: " + err.Error()
			}
			if got != tt.want {
				t.Errorf("got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestJavaOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		keys []string
		want string
	}{
		{[]string{"Col1", "Col2", "Col3"}, "Col1 Col2 Col3"},
		{[]string{"0", "True", "{}"}, "0 {} True"},
		{[]string{"H1", ""}, " H1"},
		// 13 keys outgrow the default 16 buckets, which would put "q"
		// (113) with "a" (97) in bucket 1; in 32 buckets it is in 17.
		{strings.Split("q a b c d e f g h i j k l", " "), "a b c d e f g h i j k l q"},
		{[]string{"a", "q"}, "a q"}, // 97 and 113 share bucket 1 of 16: insertion order
		{[]string{"q", "a"}, "q a"},
		// Nine keys in bucket 1 of 16 (hashes 33 49 65 81 97 113 1537
		// 1553 1569): a HashMap under 64 buckets doubles instead of
		// making the bucket a tree, which splits it into 1 and 17.
		{strings.Split("! 1 A Q a q 01 0A 0Q", " "), "! A a 01 0Q 1 Q q 0A"},
		{strings.Split("! 1 A Q a q 01 0A", " "), "! 1 A Q a q 01 0A"}, // eight: no split
	}
	for _, tt := range tests {
		var got []string
		for _, i := range javaOrder(tt.keys) {
			got = append(got, tt.keys[i])
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("javaOrder(%q) = %q, want %q", tt.keys, strings.Join(got, " "), tt.want)
		}
	}
}

func TestListedItems(t *testing.T) {
	t.Parallel()
	out := value.MustParse(`{"Contents":[{"ETag":"\"e\"","Key":"k","LastModified":"2026-01-02T03:04:05.5Z","Size":1,"StorageClass":"STANDARD","Owner":{}}],
		"IsTruncated":true,"NextContinuationToken":"tok"}`)
	items, next := listedItems(out)
	if got := value.String(items); got != `[{"Etag":"\"e\"","LastModified":1767323045,"Key":"k","Size":1,"StorageClass":"STANDARD"}]` || next != "tok" {
		t.Fatalf("got %s, %q", got, next)
	}
	if items, next := listedItems("nonsense"); len(items) != 0 || next != "" {
		t.Fatalf("a non-object listing gave %v %q", items, next)
	}
}

// FuzzParseItems checks that no object text makes the reader panic, that
// a CSV or JSONL reading respects MaxItems, and that every CSV item has
// one member per header, whatever the delimiter and headers.
func FuzzParseItems(f *testing.F) {
	for _, s := range []string{"A,B\n1,2\n", "\"a\nb\",c\n", "[1,2]", "1\n2\n", ",,,\n   \n", "a\"b,c\n", "\xff,\xfe\n1", "a;b|c d\te\n1;2|3 4\t5\n"} {
		f.Add(s, uint8(0), uint8(0), "x,y")
	}
	f.Add("1,2\n", uint8(4), uint8(0), "")
	f.Add("1,2\n", uint8(4), uint8(1), "h,h")
	types := []string{"CSV", "JSON", "JSONL", "MANIFEST"}
	delimiters := []rune{',', ';', '|', ' ', '\t'}
	f.Fuzz(func(t *testing.T, body string, kind, max uint8, given string) {
		cfg := readerConfig{inputType: types[int(kind)%len(types)], maxItems: int(max % 4), delimiter: delimiters[int(max/4)%len(delimiters)]}
		if kind&4 != 0 {
			cfg.headerLoc = "GIVEN"
			if given != "" {
				cfg.headers = strings.Split(given, ",")
			}
		}
		items, err := parseItems(body, cfg)
		if err != nil {
			return
		}
		if cfg.maxItems > 0 && cfg.inputType != "JSON" && len(items) > cfg.maxItems {
			t.Fatalf("%d items beyond MaxItems %d", len(items), cfg.maxItems)
		}
		if cfg.inputType == "CSV" && cfg.headerLoc == "GIVEN" {
			for _, it := range items {
				if o, _ := it.(*value.Object); o.Len() != len(cfg.headers) {
					t.Fatalf("item %s for headers %q", value.String(it), cfg.headers)
				}
			}
		}
	})
}
