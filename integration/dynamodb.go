package integration

import (
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/cairn-sfn/cairn/value"
)

// dynamoDBService is arn:aws:states:::dynamodb:getItem|putItem|deleteItem|
// updateItem and arn:aws:states:::aws-sdk:dynamodb:<action>. Parameters and
// results are in DynamoDB JSON ({"S": "text"}), as in the API.
var dynamoDBService = awsService{
	id:        "dynamodb",
	sdkID:     "dynamodb",
	envVar:    "DYNAMODB_ENDPOINT",
	optimized: []string{"getItem", "putItem", "deleteItem", "updateItem"},
	sdkName:   "DynamoDb",
	modeled: "BackupInUseException BackupNotFoundException ConditionalCheckFailedException " +
		"ContinuousBackupsUnavailableException DuplicateItemException ExportConflictException " +
		"ExportNotFoundException GlobalTableAlreadyExistsException GlobalTableNotFoundException " +
		"IdempotentParameterMismatchException ImportConflictException ImportNotFoundException " +
		"IndexNotFoundException InternalServerError InvalidEndpointException " +
		"InvalidExportTimeException InvalidRestoreTimeException " +
		"ItemCollectionSizeLimitExceededException LimitExceededException " +
		"PointInTimeRecoveryUnavailableException PolicyNotFoundException " +
		"ProvisionedThroughputExceededException ReplicaAlreadyExistsException " +
		"ReplicaNotFoundException ReplicatedWriteConflictException RequestLimitExceeded " +
		"ResourceInUseException ResourceNotFoundException TableAlreadyExistsException " +
		"TableInUseException TableNotFoundException ThrottlingException " +
		"TransactionCanceledException TransactionConflictException TransactionInProgressException",
	v1Prefix:    "DynamoDB",
	v1Service:   "AmazonDynamoDBv2",
	v1Exception: "AmazonDynamoDBException",
	metadata:    true,
	newClient: func(cfg aws.Config, endpoint string, api []func(*middleware.Stack) error) any {
		return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
			if endpoint != "" {
				o.BaseEndpoint = &endpoint
			}
			o.APIOptions = append(o.APIOptions, api...)
		})
	},
}

var attributeValueType = reflect.TypeFor[types.AttributeValue]()

// attributeValue reads one DynamoDB JSON attribute value ({"S": "x"}).
func attributeValue(v any, path string) (types.AttributeValue, error) {
	o, ok := v.(*value.Object)
	if !ok || o.Len() != 1 {
		return nil, &paramError{path, "want an attribute value with one type key (S, N, B, SS, NS, BS, M, L, NULL, BOOL)"}
	}
	k, e := o.At(0)
	bad := func(want string) error { return &paramError{path + "." + k, "want " + want} }
	strs := func() ([]string, error) {
		list, ok := e.([]any)
		if !ok {
			return nil, bad("an array of strings")
		}
		out := make([]string, len(list))
		for i, s := range list {
			out[i] = textOf(s)
		}
		return out, nil
	}
	switch k {
	case "S":
		s, ok := e.(string)
		if !ok {
			return nil, bad("a string")
		}
		return &types.AttributeValueMemberS{Value: s}, nil
	case "N":
		n, ok := numberOf(e)
		if !ok {
			return nil, bad("a number as a string")
		}
		return &types.AttributeValueMemberN{Value: string(n)}, nil
	case "B":
		b, err := toGo(e, bytesType, path+".B")
		if err != nil {
			return nil, err
		}
		return &types.AttributeValueMemberB{Value: b.Bytes()}, nil
	case "SS":
		ss, err := strs()
		return &types.AttributeValueMemberSS{Value: ss}, err
	case "NS":
		ss, err := strs()
		return &types.AttributeValueMemberNS{Value: ss}, err
	case "BS":
		b, err := toGo(e, reflect.TypeFor[[][]byte](), path+".BS")
		if err != nil {
			return nil, err
		}
		return &types.AttributeValueMemberBS{Value: b.Interface().([][]byte)}, nil
	case "M":
		m, ok := e.(*value.Object)
		if !ok {
			return nil, bad("an object")
		}
		out := make(map[string]types.AttributeValue, m.Len())
		for mk, mv := range m.All() {
			av, err := attributeValue(mv, path+".M."+mk)
			if err != nil {
				return nil, err
			}
			out[mk] = av
		}
		return &types.AttributeValueMemberM{Value: out}, nil
	case "L":
		l, ok := e.([]any)
		if !ok {
			return nil, bad("an array")
		}
		out := make([]types.AttributeValue, len(l))
		for i, lv := range l {
			av, err := attributeValue(lv, fmt.Sprintf("%s.L[%d]", path, i))
			if err != nil {
				return nil, err
			}
			out[i] = av
		}
		return &types.AttributeValueMemberL{Value: out}, nil
	case "NULL", "BOOL":
		b, ok := e.(bool)
		if !ok {
			return nil, bad("a boolean")
		}
		if k == "NULL" {
			return &types.AttributeValueMemberNULL{Value: b}, nil
		}
		return &types.AttributeValueMemberBOOL{Value: b}, nil
	}
	return nil, &paramError{path, "unknown attribute type " + k}
}

// attributeToValue writes an attribute value as DynamoDB JSON.
func attributeToValue(av any) any {
	one := func(k string, v any) *value.Object { return value.ObjectOf(k, v) }
	strs := func(ss []string) []any {
		out := make([]any, len(ss))
		for i, s := range ss {
			out[i] = s
		}
		return out
	}
	switch av := av.(type) {
	case *types.AttributeValueMemberS:
		return one("S", av.Value)
	case *types.AttributeValueMemberN:
		return one("N", av.Value)
	case *types.AttributeValueMemberB:
		b, _, _ := fromGo(reflect.ValueOf(av.Value))
		return one("B", b)
	case *types.AttributeValueMemberSS:
		return one("SS", strs(av.Value))
	case *types.AttributeValueMemberNS:
		return one("NS", strs(av.Value))
	case *types.AttributeValueMemberBS:
		b, _, _ := fromGo(reflect.ValueOf(av.Value))
		return one("BS", b)
	case *types.AttributeValueMemberM:
		m, _, _ := fromGo(reflect.ValueOf(av.Value))
		if m == nil {
			m = value.NewObject(0)
		}
		return one("M", m)
	case *types.AttributeValueMemberL:
		l, _, _ := fromGo(reflect.ValueOf(av.Value))
		if l == nil {
			l = []any{}
		}
		return one("L", l)
	case *types.AttributeValueMemberNULL:
		return one("NULL", av.Value)
	case *types.AttributeValueMemberBOOL:
		return one("BOOL", av.Value)
	}
	return nil
}
