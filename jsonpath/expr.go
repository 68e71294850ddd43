package jsonpath

// expr is a filter expression or function argument.
type expr interface{}
