import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, executionStatus, details } from '../web/history.js';
import { cases } from './fixtures.mjs';

const statuses = (a) => Object.fromEntries([...a.states].map(([k, s]) => [k, s.status]));

test('each state of a recorded execution gets the status of what happened to it', () => {
  const table = {
    choice_loop: { Setup: 'succeeded', CheckAnswer: 'succeeded', WrongAnswer: 'succeeded', CorrectAnswer: 'succeeded' },
    fail_state: { StartState: 'failed' },
    task_caught: { CreateSecret: 'caught', TaskFailedHandler: 'succeeded' },
    runtime_failure: { RaiseRuntime: 'failed' },
    retry_then_caught: { InvokeLambdaWithRetry: 'caught', HandleError: 'succeeded' },
    retry_exhausted: { LambdaTask: 'failed' },
    // The Fail state inside the iteration failed; the Map caught it.
    map_catch: { StartState: 'succeeded', MapState: 'caught', HandleItemFail: 'failed', FinalCaught: 'succeeded' },
    map: { MapIterateState: 'succeeded', Pass: 'succeeded' },
    parallel: {
      LoadInput: 'succeeded', ParallelState: 'succeeded', Branch1: 'succeeded', Branch21: 'succeeded',
      Branch22: 'succeeded', Branch31: 'succeeded', Branch32: 'succeeded', Branch33: 'succeeded',
    },
    // Recorded with the branches' events normalised away (ids like "[0]").
    parallel_nested: { ParallelStateL1: 'succeeded', ParallelStateL2: 'succeeded', BranchL2: 'succeeded' },
  };
  for (const [name, want] of Object.entries(table)) {
    const c = cases[name];
    const a = analyze(c.history.events);
    assert.equal(a.status, c.expected.status, `${name}: execution status`);
    assert.deepEqual(statuses(a), want, name);
  }
});

test('input and output are the last StateEntered input and StateExited output of each state', () => {
  for (const [name, c] of Object.entries(cases)) {
    const events = c.history.events;
    const a = analyze(events);
    for (const [state, s] of a.states) {
      let input;
      let output;
      let entered = 0;
      for (const ev of events) {
        const d = details(ev);
        if (ev.type.endsWith('StateEntered') && d.name === state) { input = d.input; output = undefined; entered++; }
        if (ev.type.endsWith('StateExited') && d.name === state) output = d.output;
      }
      assert.deepEqual(s.input, input, `${name}/${state} input`);
      assert.equal(s.runs.length, entered, `${name}/${state} runs`);
      // A state entered again after its last exit has no output yet; in
      // these recordings every run that exited did so before the next entry.
      if (s.status !== 'failed' && s.status !== 'running') assert.deepEqual(s.output, output, `${name}/${state} output`);
    }
  }
});

test('retries, errors and event ownership in recorded executions', () => {
  const r = analyze(cases.retry_then_caught.history.events).states.get('InvokeLambdaWithRetry');
  assert.equal(r.retries, 3);
  assert.ok(r.error, 'the error of the last failed attempt is kept');

  const ex = analyze(cases.retry_exhausted.history.events).states.get('LambdaTask');
  assert.equal(ex.retries, 2);
  assert.equal(ex.error, details(cases.retry_exhausted.history.events.at(-1)).error);

  // Map events belong to the Map even though their previousEventId points
  // into the iteration.
  const mc = cases.map_catch.history.events;
  const a = analyze(mc);
  mc.forEach((ev, i) => {
    if (/^Map(State|Iteration)/.test(ev.type)) assert.equal(a.owner[i], 'MapState', `event ${ev.id} ${ev.type}`);
    if (ev.type.startsWith('Execution')) assert.equal(a.owner[i], null, `event ${ev.id}`);
  });
  const failState = a.states.get('HandleItemFail');
  assert.deepEqual(failState.events, [7]);
});

// Hand-built histories for what the recordings lack: a retry that
// succeeds, an execution still running, and one stopped.
function ev(id, prev, type, d) {
  const e = { id, previousEventId: prev, type, timestamp: id };
  if (d) e[`${type[0].toLowerCase()}${type.slice(1)}EventDetails`] = d;
  return e;
}
const entered = (type, name, input) => ({ stateEnteredEventDetails: { name, input } });

test('a retry that then succeeds, a running execution and a stopped one', () => {
  const retried = [
    ev(1, 0, 'ExecutionStarted', { input: '{}' }),
    { ...ev(2, 1, 'TaskStateEntered'), ...entered('Task', 'T', '{"a":1}') },
    ev(3, 2, 'TaskScheduled', { resource: 'x' }), ev(4, 3, 'TaskStarted'),
    ev(5, 4, 'TaskFailed', { error: 'Boom', cause: 'bad' }),
    ev(6, 5, 'TaskScheduled', { resource: 'x' }), ev(7, 6, 'TaskStarted'),
    ev(8, 7, 'TaskSucceeded', { output: '{"b":2}' }),
    { ...ev(9, 8, 'TaskStateExited'), stateExitedEventDetails: { name: 'T', output: '{"b":2}' } },
    { ...ev(10, 9, 'PassStateEntered'), ...entered('Pass', 'P', '{"b":2}') },
  ];
  const running = analyze(retried);
  assert.equal(running.status, 'RUNNING');
  assert.deepEqual(statuses(running), { T: 'retried', P: 'running' });
  const t = running.states.get('T');
  assert.equal(t.retries, 1);
  assert.equal(t.input, '{"a":1}');
  assert.equal(t.output, '{"b":2}');
  assert.equal(t.error, 'Boom');
  assert.deepEqual(t.events, [2, 3, 4, 5, 6, 7, 8, 9]);

  const stopped = analyze([...retried, ev(11, 10, 'ExecutionAborted', {})]);
  assert.equal(stopped.status, 'ABORTED');
  assert.deepEqual(statuses(stopped), { T: 'retried', P: 'aborted' });

  const timedOut = analyze([...retried, ev(11, 10, 'ExecutionTimedOut', {})]);
  assert.deepEqual(statuses(timedOut), { T: 'retried', P: 'timedout' });

  // The API's status wins over a history page that has not caught up.
  assert.equal(analyze(retried.slice(0, 3), 'RUNNING').states.get('T').status, 'running');
});

test('executionStatus reads the terminal event, and nonsense does not throw', () => {
  assert.equal(executionStatus([]), 'RUNNING');
  for (const c of Object.values(cases)) assert.equal(executionStatus(c.history.events), c.expected.status);
  for (const junk of [null, undefined, [{}], [{ type: 'TaskStateExited' }], [{ type: 'MapStateFailed', id: 'x' }]]) {
    const a = analyze(junk);
    assert.ok(a.states instanceof Map);
  }
});
