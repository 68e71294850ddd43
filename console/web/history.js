// From an execution's history events to what happened in each state:
// its status, the input it entered with and the output it left with, and
// the events that belong to it. Pure: no DOM, so it runs under
// `node --test`.
//
// Events come from GetExecutionHistory (oldest first). Inputs and outputs
// are kept as given (the API sends JSON text).

/** Statuses, most telling first: a state's overall status is the first of
 * its runs' statuses in this order. */
export const STATUSES = ['running', 'failed', 'timedout', 'caught', 'retried', 'aborted', 'succeeded'];

const isEntered = (t) => /StateEntered$/.test(t);
const isExited = (t) => /StateExited$/.test(t);
/** A failure of the state's work (not of one Map iteration). */
const isFailure = (t) =>
  /(Failed|TimedOut)$/.test(t) && !t.startsWith('Execution') && !t.startsWith('MapIteration');
/** The start of an attempt: after a failure, one of these means a retry. */
const isAttempt = (t) => /(Scheduled|StateStarted|MapRunStarted)$/.test(t) && !t.startsWith('MapIteration');

/** details returns the one *EventDetails member of an event, or {}. */
export function details(ev) {
  for (const k of Object.keys(ev || {})) if (k.endsWith('EventDetails')) return ev[k] || {};
  return {};
}

/** executionStatus reads the status the history ends in. */
export function executionStatus(events) {
  for (let i = events.length - 1; i >= 0; i--) {
    const t = events[i].type;
    if (t === 'ExecutionSucceeded') return 'SUCCEEDED';
    if (t === 'ExecutionFailed') return 'FAILED';
    if (t === 'ExecutionAborted') return 'ABORTED';
    if (t === 'ExecutionTimedOut') return 'TIMED_OUT';
  }
  return 'RUNNING';
}

/**
 * analyze maps history events to states.
 * Returns {states: Map<name, State>, owner: (string|null)[] parallel to events,
 *          status}
 *   State: {name, type, status, input, output, error, cause, runs, events}
 *   run:   {status, input, output, error, cause, failures, retries,
 *           entered, exited}  (entered/exited are event ids)
 * status is the execution's, read from the history unless given.
 */
export function analyze(events, status) {
  events = Array.isArray(events) ? events : [];
  status = status || executionStatus(events);
  const runs = []; // every state entry, in order
  const open = []; // runs not yet exited
  const byId = new Map(); // event id -> run
  const owner = [];

  const latestOpen = (pred) => {
    for (let i = open.length - 1; i >= 0; i--) if (pred(open[i])) return open[i];
    return null;
  };
  const close = (run) => {
    const i = open.indexOf(run);
    if (i >= 0) open.splice(i, 1);
  };

  events.forEach((ev, i) => {
    const t = String(ev.type || '');
    const d = details(ev);
    let run = null;
    if (isEntered(t)) {
      run = {
        name: d.name, type: t.slice(0, -'StateEntered'.length), status: 'running', input: d.input,
        output: undefined, error: undefined, cause: undefined, failures: 0, retries: 0,
        entered: ev.id, exited: undefined, events: [], lastFailed: false, seq: runs.length,
      };
      runs.push(run);
      open.push(run);
    } else if (isExited(t)) {
      const viaChain = byId.get(ev.previousEventId);
      run = viaChain && viaChain.name === d.name && open.includes(viaChain)
        ? viaChain : latestOpen((r) => r.name === d.name);
      if (run) {
        run.output = d.output;
        run.exited = ev.id;
        run.status = run.lastFailed ? 'caught' : run.failures ? 'retried' : 'succeeded';
        close(run);
      }
    } else if (/^(MapState|MapIteration|MapRun)/.test(t)) {
      // Map events belong to the Map, not to the state inside that the
      // previousEventId chain may point at.
      run = (d.name && latestOpen((r) => r.name === d.name)) || latestOpen((r) => r.type === 'Map');
    } else if (t.startsWith('ParallelState')) {
      run = latestOpen((r) => r.type === 'Parallel');
    } else if (!t.startsWith('Execution')) {
      const viaChain = byId.get(ev.previousEventId);
      run = viaChain && open.includes(viaChain) ? viaChain : latestOpen(() => true);
    }
    if (run && (run.type === 'Map' || run.type === 'Parallel') && /(Failed|Aborted)$/.test(t)) {
      // The states inside that are still open ended with it: the ones that
      // failed (or are Fail states) failed; when the whole Map or Parallel
      // failed, the others were cancelled.
      const whole = !t.startsWith('MapIteration');
      for (const r of open.filter((o) => o.seq > run.seq)) {
        if (r.type === 'Fail' || r.failures) r.status = 'failed';
        else if (whole) r.status = 'aborted';
        else continue;
        close(r);
      }
    }
    if (run && !isEntered(t) && !isExited(t)) {
      if (isFailure(t)) {
        run.failures++;
        run.lastFailed = true;
        run.error = d.error;
        run.cause = d.cause;
      } else if (isAttempt(t) && run.lastFailed) {
        run.retries++;
        run.lastFailed = false;
      } else if (/Succeeded$/.test(t) && !t.startsWith('MapIteration')) {
        run.lastFailed = false;
      }
    }
    if (run) {
      run.events.push(ev.id);
      if (ev.id !== undefined) byId.set(ev.id, run);
    } else if (ev.id !== undefined && byId.has(ev.previousEventId) && !t.startsWith('Execution')) {
      byId.set(ev.id, byId.get(ev.previousEventId));
    }
    owner[i] = run ? run.name : null;
  });

  // Runs still open when the execution ended: the one the execution failed
  // in (or a Fail state) failed; the rest were stopped with it.
  if (status !== 'RUNNING') {
    const last = events[events.length - 1];
    const culprit = last ? byId.get(last.previousEventId) : null;
    for (const run of open) {
      // A succeeded execution left nothing unfinished: a missing exit is
      // a history that was trimmed, not a state that stopped.
      if (status === 'SUCCEEDED') run.status = run.lastFailed ? 'caught' : run.failures ? 'retried' : 'succeeded';
      else if (status === 'TIMED_OUT') run.status = 'timedout';
      else if (status === 'ABORTED') run.status = 'aborted';
      else if (run.failures || run.type === 'Fail' || run === culprit) run.status = 'failed';
      else if (status === 'FAILED' && !open.some((r) => r !== run && (r.failures || r.type === 'Fail'))
        && run === open[open.length - 1]) run.status = 'failed';
      else run.status = 'aborted';
    }
    if (status === 'FAILED') {
      const d = details(last);
      for (const run of open) if (run.status === 'failed' && run.error === undefined) {
        run.error = d.error;
        run.cause = d.cause;
      }
    }
  }

  const states = new Map();
  for (const run of runs) {
    let s = states.get(run.name);
    if (!s) {
      s = { name: run.name, type: run.type, status: run.status, runs: [], events: [] };
      states.set(run.name, s);
    }
    s.runs.push(run);
    s.events.push(...run.events);
    if (STATUSES.indexOf(run.status) < STATUSES.indexOf(s.status)) s.status = run.status;
  }
  for (const s of states.values()) {
    const last = s.runs[s.runs.length - 1];
    s.input = last.input;
    s.output = last.output;
    const bad = [...s.runs].reverse().find((r) => r.error !== undefined || r.cause !== undefined);
    s.error = bad?.error;
    s.cause = bad?.cause;
    s.retries = s.runs.reduce((a, r) => a + r.retries, 0);
    for (const r of s.runs) { delete r.lastFailed; delete r.seq; }
  }
  return { states, owner, status };
}
