package asl

import "fmt"

// checkGraphs runs the checks that need the whole definition: state names
// unique across the machine, transitions that name existing states, a
// terminal state in every graph, and no state that nothing leads to. data
// is the definition's text, for names repeated inside one States object.
func (p *parser) checkGraphs(data []byte) {
	p.duplicates(data)
	if !p.d.empty() {
		return
	}
	for _, ga := range p.graphs {
		p.targets(ga.g, ga.loc)
	}
	// Only the top level must reach an end (a Map or Parallel inside may
	// loop until the machine times out); AWS names no location for it, and
	// without an end it does not look for unreachable states.
	if len(p.graphs) > 0 && !hasTerminal(p.graphs[0].g) {
		p.d.add(CodeMissingEnd, "", "Workflow has no terminal state")
		return
	}
	for _, ga := range p.graphs {
		p.unreachable(ga.g, ga.loc)
	}
}

// duplicates reports every state whose name an earlier state, anywhere in
// the machine, already has; "earlier" is document order, a Map's or
// Parallel's inner states coming right after the state that holds them.
func (p *parser) duplicates(data []byte) {
	repeated := duplicateKeys(data)
	locs := make(map[*Graph]string, len(p.graphs))
	for _, ga := range p.graphs {
		locs[ga.g] = ga.loc
	}
	seen := map[string]bool{}
	labels := map[string]bool{}
	var walk func(g *Graph)
	walk = func(g *Graph) {
		loc := locs[g]
		for _, k := range repeated[loc+"/States"] {
			p.d.add(CodeDuplicateState, loc+"/States/"+k, "Duplicate State name: "+k)
		}
		for _, name := range g.Names {
			if seen[name] {
				p.d.add(CodeDuplicateState, loc+"/States/"+name, "Duplicate State name: "+name)
			}
			seen[name] = true
			s := g.States[name]
			if s.Label != "" {
				// A Label names the Map Runs of its Map, so it too is unique.
				if labels[s.Label] {
					p.d.add(CodeDuplicateLabel, loc+"/States/"+name+"/Label", "Duplicate Label name: "+s.Label)
				}
				labels[s.Label] = true
			}
			for _, b := range s.Branches {
				walk(b)
			}
			if s.ItemProcessor != nil {
				walk(s.ItemProcessor)
			}
		}
	}
	if len(p.graphs) > 0 {
		walk(p.graphs[0].g)
	}
}

// transitions calls fn for every state name g's states lead to, with the
// location of the field that names it.
func transitions(g *Graph, loc string, fn func(target, at string)) {
	for _, name := range g.Names {
		s := g.States[name]
		sloc := loc + "/States/" + name
		if s.Next != "" {
			fn(s.Next, sloc+"/Next")
		}
		for i, c := range s.Choices {
			fn(c.Next, fmt.Sprintf("%s/Choices[%d]/Next", sloc, i))
		}
		if s.Default != "" {
			fn(s.Default, sloc+"/Default")
		}
		for i, c := range s.Catch {
			fn(c.Next, fmt.Sprintf("%s/Catch[%d]/Next", sloc, i))
		}
	}
}

// targets reports a StartAt or transition naming no state of g.
func (p *parser) targets(g *Graph, loc string) {
	missing := func(name, at string) {
		if _, ok := g.States[name]; !ok {
			p.d.add(CodeMissingTarget, at, fmt.Sprintf("Missing 'Next' target: %s", name))
		}
	}
	missing(g.StartAt, loc+"/StartAt")
	transitions(g, loc, missing)
}

func hasTerminal(g *Graph) bool {
	for _, s := range g.States {
		if s.End || s.Type == TypeSucceed || s.Type == TypeFail {
			return true
		}
	}
	return len(g.States) == 0
}

// unreachable reports states that neither StartAt nor any transition names.
// Like AWS, it asks whether anything leads to a state, not whether the
// state can be reached from StartAt.
func (p *parser) unreachable(g *Graph, loc string) {
	named := map[string]bool{g.StartAt: true}
	transitions(g, loc, func(target, _ string) { named[target] = true })
	for _, name := range g.Names {
		if !named[name] {
			p.d.add(CodeMissingTarget, loc+"/States/"+name, fmt.Sprintf("State \"%s\" is not reachable.", name))
		}
	}
}
