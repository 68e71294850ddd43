package integration

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/interp"
	"github.com/cairn-sfn/cairn/value"
)

// TestDistributedMapS3OnMoto runs distributed Maps whose ItemReader reads
// and whose ResultWriter writes a moto_server's S3 through the Router:
// an object's items, a listing longer than a page, a missing object, and
// results exported as AWS lays them out (manifest.json naming
// SUCCEEDED_0.json).
func TestDistributedMapS3OnMoto(t *testing.T) {
	t.Parallel()
	url := motoURL(t)
	ctx := t.Context()
	m := newMotoClients(url, testAccount)
	bucket := "cairn-map-" + strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")
	if _, err := m.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	put := func(key, body string) {
		t.Helper()
		if _, err := m.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	get := func(key string) string {
		t.Helper()
		out, err := m.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: aws.String(key)})
		if err != nil {
			t.Fatalf("get %s: %v", key, err)
		}
		defer out.Body.Close()
		b, _ := io.ReadAll(out.Body)
		return string(b)
	}
	put("in/items.csv", "name,n\nalpha,1\nbravo,2\ncharlie,3\n")
	for i := range 5 {
		put(fmt.Sprintf("list/k%d", i), "x")
	}
	router := &countingInvoker{inv: mustRouter(t, Config{AWS: AWSConfig{Region: testRegion, Endpoint: url}})}
	distributed := func(fields string) string {
		return `{"StartAt": "M", "States": {"M": {"Type": "Map", ` + fields + `
		  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
		    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}`
	}
	tests := []struct {
		name, fields string
		want         string // output, or error: cause
		calls        int64  // S3 calls
	}{
		{
			name: "csv object",
			fields: `"ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 2},
			  "Parameters": {"Bucket.$": "$.bucket", "Key": "in/items.csv"}},`,
			want:  `[{"name":"alpha","n":"1"},{"name":"bravo","n":"2"}]`,
			calls: 1,
		},
		{
			name: "listing of three pages",
			fields: `"ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket.$": "$.bucket", "Prefix": "list/", "MaxKeys": 2}},
			  "ItemSelector": {"key.$": "$$.Map.Item.Value.Key", "size.$": "$$.Map.Item.Value.Size"},`,
			want:  `[{"key":"list/k0","size":1},{"key":"list/k1","size":1},{"key":"list/k2","size":1},{"key":"list/k3","size":1},{"key":"list/k4","size":1}]`,
			calls: 3,
		},
		{
			name: "missing object",
			fields: `"ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
			  "Parameters": {"Bucket.$": "$.bucket", "Key": "in/none.json"}},`,
			want:  `States.ItemReaderFailed: `,
			calls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := router.n.Load()
			res := runDefinition(t, distributed(tt.fields), `{"bucket": "`+bucket+`"}`, "", router)
			if n := router.n.Load() - before; n != tt.calls {
				t.Errorf("%d S3 calls, want %d", n, tt.calls)
			}
			got := value.String(res.Output)
			if res.Status != interp.Succeeded {
				got = res.Error + ": " + res.Cause
			}
			if !strings.HasPrefix(got, tt.want) || (res.Status == interp.Succeeded && got != tt.want) {
				t.Fatalf("got %s\nwant %s", got, tt.want)
			}
		})
	}

	t.Run("result writer", func(t *testing.T) {
		res := runDefinition(t, distributed(`"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket.$": "$.bucket", "Prefix": "out"}},
		  "ItemsPath": "$.items", "ToleratedFailureCount": 0,`), `{"bucket": "`+bucket+`", "items": [1, {"a": 2}]}`, "", router)
		if res.Status != interp.Succeeded {
			t.Fatalf("%s %s %s", res.Status, res.Error, res.Cause)
		}
		out, _ := res.Output.(*value.Object)
		details, _ := out.Get("ResultWriterDetails")
		key, _ := details.(*value.Object).Get("Key")
		arn, _ := out.Get("MapRunArn")
		runID := arn.(string)[strings.LastIndexByte(arn.(string), ':')+1:]
		if key != "out/"+runID+"/manifest.json" {
			t.Fatalf("manifest key %v for run %s", key, runID)
		}
		manifest := value.MustParse(get(key.(string))).(*value.Object)
		files, _ := manifest.Get("ResultFiles")
		succeeded, _ := files.(*value.Object).Get("SUCCEEDED")
		list, _ := succeeded.([]any)
		if len(list) != 1 {
			t.Fatalf("manifest %s", value.String(manifest))
		}
		k, _ := list[0].(*value.Object).Get("Key")
		size, _ := list[0].(*value.Object).Get("Size")
		body := get(k.(string))
		if k != "out/"+runID+"/SUCCEEDED_0.json" || size != value.Int(int64(len(body))) {
			t.Fatalf("manifest lists %v (%v bytes); object has %d", k, size, len(body))
		}
		rows, _ := value.MustParse(body).([]any)
		var outputs []string
		for _, r := range rows {
			o, _ := r.(*value.Object).Get("Output")
			st, _ := r.(*value.Object).Get("Status")
			outputs = append(outputs, fmt.Sprint(o, " ", st))
		}
		if strings.Join(outputs, ", ") != `1 SUCCEEDED, {"a":2} SUCCEEDED` {
			t.Fatalf("SUCCEEDED_0.json rows: %s", strings.Join(outputs, ", "))
		}
	})
}

// countingInvoker counts the tasks it passes on.
type countingInvoker struct {
	inv engine.Invoker
	n   atomic.Int64
}

func (c *countingInvoker) Invoke(ctx context.Context, task engine.Task) (any, error) {
	c.n.Add(1)
	return c.inv.Invoke(ctx, task)
}
