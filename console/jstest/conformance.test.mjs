// Every recording in shared/conformance/cases.jsonl (its path in
// CAIRN_CONFORMANCE, set by the Go test; skipped when absent): every
// definition lays out without problems, and every history maps to states
// consistently with how the execution ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyze } from '../web/history.js';
import { layout, flatten } from '../web/layout.js';

const path = process.env.CAIRN_CONFORMANCE || '';
const cases = path
  ? readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  : [];
const skip = path ? false : 'CAIRN_CONFORMANCE not set: the recordings are not beside this checkout';

test('every recorded definition lays out, each state once, without problems', { skip }, () => {
  let n = 0;
  for (const c of cases) {
    const def = c.definition;
    if (!def || typeof def.States !== 'object' || c.kind === 'test_state') continue;
    n++;
    const g = layout(def);
    assert.deepEqual(g.problems, [], c.id);
    const ids = flatten(g).map((x) => x.id);
    assert.equal(new Set(ids).size, ids.length, `${c.id}: duplicate node ids`);
    assert.ok(Number.isFinite(g.width) && Number.isFinite(g.height), c.id);
  }
  assert.ok(n > 500, `only ${n} definitions`);
});

test('every recorded history maps to states as the execution ended', { skip }, () => {
  let n = 0;
  for (const c of cases) {
    if (c.kind !== 'execution' || !Array.isArray(c.history)) continue;
    n++;
    const a = analyze(c.history);
    const want = c.expected.status;
    if (want !== 'INCOMPLETE_HISTORY') assert.equal(a.status, want, c.id);
    const statuses = [...a.states.values()].map((s) => s.status);
    if (want === 'SUCCEEDED') assert.ok(!statuses.includes('running'), `${c.id}: a state still running`);
    if (want === 'FAILED' && statuses.length) assert.ok(statuses.includes('failed'), `${c.id}: no state failed`);
    if (want === 'INCOMPLETE_HISTORY') assert.equal(a.status, 'RUNNING', c.id);
    // Every entered state is known, with the input it was entered with.
    for (const ev of c.history) {
      const d = ev.stateEnteredEventDetails;
      if (d) assert.ok(a.states.get(d.name)?.runs.some((r) => r.entered === ev.id), `${c.id}: ${d.name} at ${ev.id}`);
    }
  }
  assert.ok(n > 400, `only ${n} histories`);
});
