package interp_test

import (
	"fmt"
	"testing"

	"github.com/cairn-sfn/cairn/asl"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// FuzzDistributedMap runs a distributed Map with arbitrary ItemReader,
// ItemBatcher and ResultWriter fields over an arbitrary object and a
// paged listing: it must end without panicking, and its journal must
// replay to the same history.
func FuzzDistributedMap(f *testing.F) {
	for _, seed := range []struct{ fields, body, input string }{
		{`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["a","a"]},"Parameters":{"Bucket":"b","Key":"o"}},`, "1,2\n", `{}`},
		{`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":[]},"Parameters":{"Bucket":"b","Key":"o"}},`, "1,2\n", `{}`},
		{`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVDelimiter":"TAB","MaxItemsPath":"$.n"},"Parameters":{"Bucket":"b","Key":"o"}},`, "a\tb\n1\t2\n3\n", `{"n":1}`},
		{`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL","MaxItems":2},"Parameters":{"Bucket":"b","Key":"o"}},"ItemBatcher":{"MaxInputBytesPerBatch":1},`, "1\n{\"a\":[2]}\n\"x\"\n", `{}`},
		{`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"o"}},"ItemSelector":{"v.$":"$$.Map.Item.Value"},"ItemBatcher":{"MaxItemsPerBatchPath":"$.n","BatchInput":{"x.$":"$"}},`, `[1,[2],{"3":null}]`, `{"n":2}`},
		{`"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","ReaderConfig":{"MaxItems":3},"Parameters":{"Bucket":"b"}},"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"o","Prefix":"p/"},"WriterConfig":{"Transformation":"NONE","OutputType":"JSONL"}},`, ``, `{}`},
		{`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"o"}},"ToleratedFailureCount":1,"ResultWriter":{"WriterConfig":{"Transformation":"FLATTEN","OutputType":"JSON"}},`, `[[1],2]`, `{}`},
		{`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"missing"}},"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2}],`, `[]`, `{}`},
		// Text that is not UTF-8 (a Latin-1 file): a journal stores it
		// as JSON, which has no such text.
		{`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"b","Key":"o"}},`, "[\"caf\xe9\"]", `{}`},
		{`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},"Parameters":{"Bucket":"b","Key":"o"}},`, "\"\xff\"\n", `{}`},
	} {
		f.Add(seed.fields, seed.body, seed.input)
	}
	f.Fuzz(func(t *testing.T, fields, body, input string) {
		def := fmt.Sprintf(readerMap, fields)
		sm, err := asl.Parse([]byte(def))
		if err != nil {
			return
		}
		if _, err := value.ParseString(input); err != nil {
			return
		}
		fake := &s3Fake{objects: map[string]string{"o": body}, pages: [][]string{{"k1", "k2"}, {"k3"}, {}}}
		x := interp.New(sm, info(input))
		events, journal := driveJournal(t, x, fake.handle)
		if x.Status() == interp.Running {
			t.Fatalf("still running after %d inputs", len(journal))
		}
		assertReplays(t, def, input, journal, events)
	})
}
