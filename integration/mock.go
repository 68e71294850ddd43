package integration

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cairn-sfn/cairn/value"
)

// MockConfig is a parsed Step Functions Local mock configuration:
//
//	{"StateMachines": {"<machine>": {"TestCases": {"<case>": {"<state>": "<response>"}}}},
//	 "MockedResponses": {"<response>": {"0": {"Return": …}, "1-2": {"Throw": {"Error": …, "Cause": …}}}}}
//
// A response's keys number the invocations of a state in one execution,
// from 0, retries and loop passes included; "a-b" covers a to b.
type MockConfig struct {
	// cases maps machine name -> test case -> state name -> response name.
	cases     map[string]map[string]map[string]string
	responses map[string][]mockEntry
}

// mockEntry answers invocations from..to (inclusive).
type mockEntry struct {
	from, to int
	ret      any  // the Return value
	throw    bool // Throw instead of Return
	err      string
	cause    string
}

// MockAnswer is what a mock says a task's invocation does: return Output,
// or fail with Error and Cause when Throw is set.
type MockAnswer struct {
	Output       any
	Throw        bool
	Error, Cause string
}

// ParseMocks parses a mock configuration and reports every problem in it.
func ParseMocks(data []byte) (*MockConfig, error) {
	doc, err := value.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("mock config: %w", err)
	}
	root, ok := doc.(*value.Object)
	if !ok {
		return nil, errors.New("mock config: the top level must be an object")
	}
	cfg := &MockConfig{cases: map[string]map[string]map[string]string{}, responses: map[string][]mockEntry{}}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if v, ok := root.Get("MockedResponses"); ok {
		resps, ok := v.(*value.Object)
		if !ok {
			bad("MockedResponses must be an object")
		} else {
			for name, r := range resps.All() {
				entries, errs := parseMockedResponse(r)
				for _, e := range errs {
					bad("MockedResponses.%s: %s", name, e)
				}
				cfg.responses[name] = entries
			}
		}
	}
	if v, ok := root.Get("StateMachines"); ok {
		machines, ok := v.(*value.Object)
		if !ok {
			bad("StateMachines must be an object")
		} else {
			for mname, m := range machines.All() {
				mo, ok := m.(*value.Object)
				if !ok {
					bad("StateMachines.%s must be an object", mname)
					continue
				}
				tcv, _ := mo.Get("TestCases")
				tcs, ok := tcv.(*value.Object)
				if !ok {
					bad("StateMachines.%s.TestCases must be an object", mname)
					continue
				}
				byCase := map[string]map[string]string{}
				for cname, c := range tcs.All() {
					co, ok := c.(*value.Object)
					if !ok {
						bad("StateMachines.%s.TestCases.%s must be an object", mname, cname)
						continue
					}
					states := map[string]string{}
					for sname, r := range co.All() {
						rname, ok := r.(string)
						if !ok {
							bad("StateMachines.%s.TestCases.%s.%s must name a mocked response", mname, cname, sname)
							continue
						}
						if _, ok := cfg.responses[rname]; !ok {
							bad("StateMachines.%s.TestCases.%s.%s: no mocked response named %q", mname, cname, sname, rname)
							continue
						}
						states[sname] = rname
					}
					byCase[cname] = states
				}
				cfg.cases[mname] = byCase
			}
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("mock config: %s", strings.Join(problems, "; "))
	}
	return cfg, nil
}

// parseMockedResponse reads one response's numbered entries, sorted.
func parseMockedResponse(v any) ([]mockEntry, []string) {
	o, ok := v.(*value.Object)
	if !ok {
		return nil, []string{"must be an object"}
	}
	var entries []mockEntry
	var errs []string
	for key, ev := range o.All() {
		from, to, ok := parseInvocationRange(key)
		if !ok {
			errs = append(errs, fmt.Sprintf("%q is not an invocation number or range (\"0\", \"1-2\")", key))
			continue
		}
		eo, ok := ev.(*value.Object)
		if !ok {
			errs = append(errs, fmt.Sprintf("%s must be an object", key))
			continue
		}
		ret, hasRet := eo.Get("Return")
		th, hasThrow := eo.Get("Throw")
		e := mockEntry{from: from, to: to}
		switch {
		case hasRet == hasThrow:
			errs = append(errs, fmt.Sprintf("%s must have exactly one of Return and Throw", key))
			continue
		case hasRet:
			e.ret = ret
		default:
			to, ok := th.(*value.Object)
			if !ok {
				errs = append(errs, fmt.Sprintf("%s.Throw must be an object", key))
				continue
			}
			ev, _ := to.Get("Error")
			cv, _ := to.Get("Cause")
			es, eok := ev.(string)
			cs, cok := cv.(string)
			if !eok || es == "" {
				errs = append(errs, fmt.Sprintf("%s.Throw.Error must be a non-empty string", key))
				continue
			}
			if cv != nil && !cok {
				errs = append(errs, fmt.Sprintf("%s.Throw.Cause must be a string", key))
				continue
			}
			e.throw, e.err, e.cause = true, es, cs
		}
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].from < entries[j].from })
	for i := 1; i < len(entries); i++ {
		if entries[i].from <= entries[i-1].to {
			errs = append(errs, fmt.Sprintf("invocation %d is answered twice", entries[i].from))
		}
	}
	return entries, errs
}

// parseInvocationRange reads "3" or "1-2".
func parseInvocationRange(key string) (from, to int, ok bool) {
	a, b, isRange := strings.Cut(key, "-")
	from, ok = parseInvocation(a)
	if !ok {
		return 0, 0, false
	}
	if !isRange {
		return from, from, true
	}
	to, ok = parseInvocation(b)
	if !ok || to < from {
		return 0, 0, false
	}
	return from, to, true
}

func parseInvocation(s string) (int, bool) {
	if s == "" || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// Has reports whether the configuration knows the machine's test case.
func (c *MockConfig) Has(machine, testCase string) bool {
	_, ok := c.cases[machine][testCase]
	return ok
}

// Lookup finds the answer for the invocation-th run of a state. mocked is
// false when the test case does not mock that state (the real resource
// runs); err says why a mocked state has no answer for this invocation.
func (c *MockConfig) Lookup(machine, testCase, state string, invocation int) (ans MockAnswer, mocked bool, err error) {
	rname, ok := c.cases[machine][testCase][state]
	if !ok {
		return MockAnswer{}, false, nil
	}
	for _, e := range c.responses[rname] {
		if invocation >= e.from && invocation <= e.to {
			if e.throw {
				return MockAnswer{Throw: true, Error: e.err, Cause: e.cause}, true, nil
			}
			return MockAnswer{Output: e.ret}, true, nil
		}
	}
	return MockAnswer{}, true, fmt.Errorf("mocked response %q has no answer for invocation %d of state '%s'", rname, invocation, state)
}

// Mocks is a mock configuration, read from a file and read again when the
// file changes (checked by modification time and size on each use), or
// given once in memory.
type Mocks struct {
	path string

	mu    sync.Mutex
	mtime time.Time
	size  int64
	cfg   *MockConfig
}

// LoadMocks reads the mock configuration file at path (what SFN_MOCK_CONFIG
// names).
func LoadMocks(path string) (*Mocks, error) {
	m := &Mocks{path: path}
	if _, err := m.Config(); err != nil {
		return nil, err
	}
	return m, nil
}

// StaticMocks serves cfg, never reloaded.
func StaticMocks(cfg *MockConfig) *Mocks { return &Mocks{cfg: cfg} }

// Path is the file the mocks come from ("" when static).
func (m *Mocks) Path() string { return m.path }

// Config returns the current configuration, reading the file again when it
// changed. A file that became invalid is an error; the last good
// configuration is not used silently.
func (m *Mocks) Config() (*MockConfig, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.path == "" {
		return m.cfg, nil
	}
	st, err := os.Stat(m.path)
	if err != nil {
		return nil, fmt.Errorf("mock config: %w", err)
	}
	if m.cfg != nil && st.ModTime().Equal(m.mtime) && st.Size() == m.size {
		return m.cfg, nil
	}
	data, err := os.ReadFile(m.path)
	if err != nil {
		return nil, fmt.Errorf("mock config: %w", err)
	}
	cfg, err := ParseMocks(data)
	if err != nil {
		m.cfg = nil
		return nil, fmt.Errorf("%s: %w", m.path, err)
	}
	m.cfg, m.mtime, m.size = cfg, st.ModTime(), st.Size()
	return cfg, nil
}
