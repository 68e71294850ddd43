// Package jsonpath compiles and evaluates JSONPath with the semantics of
// Jayway JsonPath, the Java library AWS Step Functions evaluates paths with.
//
// A path is compiled once, when a state machine is created, into a slice of
// steps, and evaluated many times:
//
//	p, err := jsonpath.Compile("$.order.items[?(@.qty > 1)].sku")
//	v, err := p.Eval(&jsonpath.Env{Input: input, Context: ctx, Vars: lookup})
//
// Results share the document's values (nothing is copied); Set returns a
// new document that shares everything off the path it writes.
//
// # Roots
//
// "$" is the state input (or the document given to Query), "$$" the context
// object, and "$name" the ASL workflow variable name. Filters and function
// arguments use "@" for the item under test and "$" for the root of the
// document being queried.
//
// # Syntax
//
// Members: .name, ['name'], ["name"], ['a','b']. Indexes: [0], [-1], [0,2].
// Slices: [1:3], [:2], [-2:] (Jayway reads a third part, [0:4:2], and
// ignores it). Wildcards: .* and [*]. Deep scan: ..name, ..[0], ..*,
// ..[?(...)]. Filters: [?(expr)] with ==, !=, ===, !==, <, <=, >, >=,
// =~ /regex/flags, in, nin, subsetof, anyof, noneof, contains, size, empty,
// &&, ||, ! and parentheses; an operand alone ("@.a", "!@.a") tests
// existence. Functions, called on the value before them: length() and
// size(), min(), max(), avg(), stddev(), sum(), keys(), concat(...),
// append(...), first(), last(), index(n). Function arguments are paths
// (evaluated against the root) or JSON values.
//
// # Results and errors
//
// Jayway's definite paths (no wildcard, scan, filter, slice, several
// indexes, or several names before the last step) yield the value they
// name; a path that names nothing is a *NotFoundError whose Error() is
// Jayway's exception text, which AWS quotes in causes, e.g.
//
//	cause := fmt.Sprintf("Invalid path '%s' : %s", nf.Path, nf.Error())
//	// Invalid path '$.x.y' : Missing property in path $['x']
//
// Jayway only knows the root "$"; Step Functions evaluates "$$.a" and "$x.a"
// as "$.a" against the context object or the variable, so Canonical and the
// messages write every root as "$".
//
// Indefinite paths yield a []any of the matches, possibly empty. Several
// names as the last step, ['a','b'], are definite and yield one object of
// the members present, as in Jayway. A function's result is definite.
// Evaluation failures that are not "not found" (sum() of nothing, a filter
// applied to a string in a definite path) are *EvalError; Set failures are
// *SetError; Compile failures are *SyntaxError with a byte offset.
//
// Filters compare as Jayway does: a number equals a string holding the same
// number ("42" == 42), a missing member equals nothing (so it passes !=),
// < and friends compare only number with number and string with string
// (strings by UTF-16 code units, as Java does), an integer never equals a
// decimal inside arrays and objects ([1] != [1.0]), and regular expressions
// must match the whole string. Errors inside a filter make the item not
// match, except Jayway's fatal ones (an aggregation over nothing), which fail
// the whole evaluation. Aggregations compute in doubles and return numbers
// as Java writes doubles (10.0).
//
// The measure is ../../shared/jsonpath/jayway.jsonl, the cburgmer
// json-path-comparison results for Jayway: TestJayway reports the agreement
// and testdata/jayway_passing.txt pins what agrees.
//
// # Where we differ from Jayway, and why
//
// Step Functions' recorded behaviour comes first:
//
//   - An indefinite path whose definite beginning names nothing, such as
//     "$.item.items[*]" on {}, yields [] (Jayway throws "Missing property");
//     AWS answered [] in the recordings, as Jayway does with its
//     SUPPRESS_EXCEPTIONS option.
//   - In a quoted name, a backslash before the other quote character is
//     kept: $['Test\""Name"'] reads the member Test\""Name", as AWS did in
//     the recordings (Jayway reads Test""Name"). Other escapes are Jayway's.
//
// Then ASL's rules and our own choices:
//
//   - A path must start with "$" (ASL requires it). Jayway prepends "$." to
//     other text and accepts "@" as a root; "$a" is Jayway's syntax error but
//     ASL's variable a.
//   - Unknown functions, a function after "..", and text Jayway silently
//     ignores (a "[" or ")" as the last character, function arguments that
//     are neither paths nor JSON, such as 'x') are syntax errors at compile
//     time, so a state machine with them is rejected when it is created
//     rather than failing at run time. A single character after a bracket,
//     $['a']b, is a member name, as several characters are in Jayway; Jayway
//     ignores a single one.
//   - Deep scan followed by an array step, "$..[1].key": Jayway applies the
//     steps after the array step to every element and then filters by a
//     string comparison of indexes, which only works when one member follows;
//     we apply [1] and continue. A filter that is not the last step after
//     ".." is applied to the array's elements (Jayway skips it).
//   - max() of negative numbers: Jayway starts from the smallest positive
//     double and returns 4.9E-324; we return the maximum. last() and
//     index(-n) of the first element: Jayway throws; we return the element.
//   - Function arguments also accept [...], true, false and null, which
//     Jayway drops silently.
//   - The class names in "Expected to find an object with property ..." are
//     Jackson's tree-model classes (JacksonJsonNodeJsonProvider). Which
//     provider AWS configures is not visible in the recorded causes.
//   - Regular expressions use Go's RE2 syntax, which covers Java's common
//     subset; back-references and look-around are syntax errors. Flag x
//     strips white space and comments; d, u and U are accepted and ignored.
//   - Evaluation is bounded: a deep scan descends at most 2000 levels and
//     one evaluation takes at most 2Mi steps, so hostile paths such as
//     $..*..*..* fail with an *EvalError instead of running away.
//
// Set is ours, not Jayway's: it implements ASL's ResultPath, which AWS
// restricts to reference paths (IsReference) and which creates missing
// intermediate objects.
package jsonpath
