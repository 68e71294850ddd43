package jsonpath

import "github.com/cairn-sfn/cairn/value"

// jsonProvider is the Jayway JSON provider named in its "not a json object"
// message. Which provider AWS configures is not visible in the recordings;
// Jackson is the likely one for a Java service.
const jsonProvider = "com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider"

// javaClass names the Jackson node class Jayway would report for v.
func javaClass(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "com.fasterxml.jackson.databind.node.BooleanNode"
	case value.Number:
		return "com.fasterxml.jackson.databind.node.IntNode"
	case string:
		return "com.fasterxml.jackson.databind.node.TextNode"
	case []any:
		return "com.fasterxml.jackson.databind.node.ArrayNode"
	case *value.Object:
		return "com.fasterxml.jackson.databind.node.ObjectNode"
	}
	return "java.lang.Object"
}

// javaString writes v as Jackson's toString would: compact JSON.
func javaString(v any) string {
	return value.String(v)
}
