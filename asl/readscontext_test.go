package asl

import "testing"

func TestReadsContext(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, def string
		state     string
		want      bool
	}{
		{"plain pass", `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, "A", false},
		{"input path", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a","End":true}}}`, "A", false},
		{"context path", `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$$.Execution","End":true}}}`, "A", true},
		{"template", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"$$.State.Name"},"End":true}}}`, "A", true},
		{"intrinsic", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"States.Format('{}', $$.Execution.Id)"},"End":true}}}`, "A", true},
		{"choice", `{"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$$.Execution.Name","StringEquals":"x","Next":"B"}],"Default":"B"},"B":{"Type":"Succeed"}}}`, "A", true},
		{"branch only", `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$$.Execution","End":true}}}],"End":true}}}`, "P", false},
		{"jsonata", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, "A", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sm, err := Parse([]byte(c.def))
			if err != nil {
				t.Fatal(err)
			}
			if got := sm.States[c.state].ReadsContext; got != c.want {
				t.Fatalf("ReadsContext = %v, want %v", got, c.want)
			}
		})
	}
}
