import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layout, flatten, flattenEdges, successors, START, END } from '../web/layout.js';
import { cases } from './fixtures.mjs';

const byId = (g) => new Map(flatten(g).map((n) => [n.id, n]));
const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (inner, outer) => inner.x >= outer.x && inner.y >= outer.y &&
  inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;

// Every layout must: give each node finite coordinates within the drawing,
// keep sibling nodes apart, start each edge at its source and end it at its
// target, and put forward edges' targets below their sources.
function checkGeometry(g, label) {
  const nodes = byId(g);
  for (const n of nodes.values()) {
    for (const k of ['x', 'y', 'w', 'h']) assert.ok(Number.isFinite(n[k]), `${label}: ${n.id}.${k} = ${n[k]}`);
    assert.ok(n.x >= 0 && n.y >= 0 && n.x + n.w <= g.width + 0.01 && n.y + n.h <= g.height + 0.01,
      `${label}: ${n.id} outside the drawing`);
  }
  const siblings = (list) => {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        assert.ok(!overlap(list[i], list[j]), `${label}: ${list[i].id} overlaps ${list[j].id}`);
      }
    }
    for (const n of list) {
      for (const gr of n.groups || []) {
        for (const c of gr.nodes) assert.ok(inside(c, n), `${label}: ${c.id} not inside ${n.id}`);
        siblings(gr.nodes);
      }
    }
  };
  siblings(g.nodes);
  for (const e of flattenEdges(g)) {
    const a = nodes.get(e.from);
    const b = nodes.get(e.to);
    assert.ok(a && b, `${label}: edge ${e.from} -> ${e.to} has a missing end`);
    assert.ok(e.points.length >= 2);
    const [x0, y0] = e.points[0];
    const [x1, y1] = e.points[e.points.length - 1];
    const near = (n, x, y) => x >= n.x - 0.01 && x <= n.x + n.w + 0.01 && y >= n.y - 0.01 && y <= n.y + n.h + 0.01;
    assert.ok(near(a, x0, y0), `${label}: ${e.from} -> ${e.to} does not leave its source`);
    assert.ok(near(b, x1, y1), `${label}: ${e.from} -> ${e.to} does not reach its target`);
    if (!e.back) assert.ok(b.y >= a.y + a.h, `${label}: forward edge ${e.from} -> ${e.to} goes up`);
  }
}

test('successors reads Next, Choices, Default, Catch and End', () => {
  const table = [
    [{ Type: 'Pass', Next: 'B' }, [['B', 'next']]],
    [{ Type: 'Pass', End: true }, [[END, 'end']]],
    [{ Type: 'Succeed' }, [[END, 'end']]],
    [{ Type: 'Fail' }, [[END, 'end']]],
    [{ Type: 'Choice', Choices: [{ Next: 'X' }, { Next: 'Y' }], Default: 'Z' }, [['X', 'choice'], ['Y', 'choice'], ['Z', 'default']]],
    [{ Type: 'Task', Next: 'B', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }] }, [['B', 'next'], ['H', 'catch']]],
    [{ Type: 'Map', End: true, Catch: [{ ErrorEquals: ['E'], Next: 'H' }] }, [['H', 'catch'], [END, 'end']]],
    [null, []],
    [{ Type: 'Choice', Choices: 'nonsense' }, []],
  ];
  for (const [state, want] of table) {
    assert.deepEqual(successors(state).map((s) => [s.to, s.kind]), want, JSON.stringify(state));
  }
});

test('a linear machine is one column from start to end', () => {
  const g = layout({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'C' }, C: { Type: 'Succeed' } } });
  const ids = g.nodes.map((n) => n.id);
  assert.deepEqual(ids.sort(), [END, START, 'A', 'B', 'C'].sort());
  const ys = ['__start', 'A', 'B', 'C', '__end'].map((k) => g.nodes.find((n) => n.id === k).y);
  assert.deepEqual([...ys].sort((a, b) => a - b), ys, 'rows go down in order');
  const cxs = g.nodes.map((n) => n.x + n.w / 2);
  assert.ok(cxs.every((c) => Math.abs(c - cxs[0]) < 0.01), 'one column');
  assert.equal(g.edges.length, 4);
  assert.deepEqual(g.problems, []);
  checkGeometry(g, 'linear');
});

test('a loop is drawn as a back edge round the side', () => {
  const g = layout({
    StartAt: 'Work', States: {
      Work: { Type: 'Pass', Next: 'Done?' },
      'Done?': { Type: 'Choice', Choices: [{ Variable: '$.done', BooleanEquals: false, Next: 'Work' }], Default: 'Finish' },
      Finish: { Type: 'Succeed' },
    },
  });
  const back = g.edges.filter((e) => e.back);
  assert.equal(back.length, 1);
  assert.equal(back[0].from, 'Done?');
  assert.equal(back[0].to, 'Work');
  const right = Math.max(...g.nodes.map((n) => n.x + n.w));
  assert.ok(back[0].points[1][0] > right, 'routed right of every node');
  checkGeometry(g, 'loop');
});

test('branches of a Choice sit side by side and a long edge avoids them', () => {
  const g = layout({
    StartAt: 'C', States: {
      C: { Type: 'Choice', Choices: [{ Next: 'A1' }], Default: 'Join' },
      A1: { Type: 'Pass', Next: 'A2' }, A2: { Type: 'Pass', Next: 'Join' }, Join: { Type: 'Succeed' },
    },
  });
  const n = byId(g);
  assert.ok(n.get('A2').y > n.get('A1').y && n.get('Join').y > n.get('A2').y);
  const skip = g.edges.find((e) => e.from === 'C' && e.to === 'Join');
  assert.ok(skip.points.length > 2, 'the C -> Join edge bends through its virtual points');
  for (const [x, y] of skip.points.slice(1, -1)) {
    for (const k of ['A1', 'A2']) {
      const b = n.get(k);
      assert.ok(!(x > b.x && x < b.x + b.w && y > b.y && y < b.y + b.h), `edge passes through ${k}`);
    }
  }
  checkGeometry(g, 'diamond');
});

test('unknown targets are reported, not drawn, and nonsense does not throw', () => {
  const g = layout({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } });
  assert.equal(g.problems.length, 1);
  assert.match(g.problems[0], /Nowhere/);
  for (const def of [null, {}, { States: 3 }, { StartAt: 'X', States: {} }, { StartAt: 'A', States: { A: null } }]) {
    const l = layout(def);
    assert.ok(Array.isArray(l.nodes));
    checkGeometry(l, JSON.stringify(def));
  }
});

test('Parallel branches and Map processors are nested boxes (recorded definitions)', () => {
  const want = {
    parallel: { ParallelState: 3 },
    parallel_nested: { ParallelStateL1: 1, ParallelStateL2: 1 },
    map_catch: { MapState: 1 },
    map: { MapIterateState: 1 },
  };
  for (const [name, groups] of Object.entries(want)) {
    const def = cases[name].definition;
    const g = layout(def);
    assert.deepEqual(g.problems, [], name);
    checkGeometry(g, name);
    const nodes = flatten(g);
    for (const [state, count] of Object.entries(groups)) {
      const n = nodes.find((x) => x.name === state);
      assert.ok(n, `${name}: ${state} laid out`);
      assert.equal(n.groups.length, count, `${name}: ${state} groups`);
    }
    // Every state of the definition, at any depth, is drawn exactly once.
    const names = [];
    const walk = (m) => {
      for (const [k, s] of Object.entries(m.States)) {
        names.push(k);
        (s.Branches || []).forEach(walk);
        if (s.ItemProcessor || s.Iterator) walk(s.ItemProcessor || s.Iterator);
      }
    };
    walk(def);
    assert.deepEqual(nodes.filter((n) => n.kind === 'state').map((n) => n.name).sort(), names.sort(), name);
  }
});

test('a Catch edge is drawn beside the Next edge to the same state', () => {
  const g = layout(cases.map_catch.definition);
  const catches = g.edges.filter((e) => e.kind === 'catch');
  assert.equal(catches.length, 1);
  assert.equal(catches[0].from, 'MapState');
  assert.equal(catches[0].to, 'FinalCaught');
  checkGeometry(g, 'map_catch');
});
