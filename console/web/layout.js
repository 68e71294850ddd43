// Layout of an Amazon States Language definition as a layered, top-down
// graph. Pure: no DOM, so it runs under `node --test`.
//
// layout(definition) returns {nodes, edges, width, height, problems}.
// Every coordinate is absolute (top-left of the whole drawing is 0,0).
//   node: {id, name, type, kind: 'start'|'end'|'state', x, y, w, h,
//          groups?: [{label, nodes, edges, x, y, w, h}]}   (Parallel, Map)
//   edge: {from, to, kind: 'next'|'choice'|'default'|'catch'|'end'|'start',
//          label, back, points: [[x, y], ...]}
// Node ids are unique across nesting ("Par/0/Inner"); name is the ASL
// state name that history events refer to.

export const START = '__start';
export const END = '__end';
export const NODE_H = 36;
export const TERMINAL = 24; // diameter of the start and end circles
export const GAP_X = 28;
export const GAP_Y = 44;
export const PAD = 14; // inside a Parallel/Map box
export const HEADER = 26; // a box's title line
const BACK_GAP = 14;

/** nodeWidth estimates a label's box width (13px sans-serif). */
export function nodeWidth(name) {
  return Math.max(110, Math.min(260, Math.round(String(name).length * 7.2) + 32));
}

/** successors lists a state's outgoing edges in definition order. */
export function successors(state) {
  const out = [];
  if (!state || typeof state !== 'object') return out;
  if (state.Type === 'Choice') {
    (Array.isArray(state.Choices) ? state.Choices : []).forEach((c, i) => {
      if (c && typeof c.Next === 'string') out.push({ to: c.Next, kind: 'choice', label: `rule ${i + 1}` });
    });
    if (typeof state.Default === 'string') out.push({ to: state.Default, kind: 'default', label: 'Default' });
  } else if (typeof state.Next === 'string') {
    out.push({ to: state.Next, kind: 'next', label: '' });
  }
  if (Array.isArray(state.Catch)) {
    for (const c of state.Catch) {
      if (c && typeof c.Next === 'string') {
        const errs = Array.isArray(c.ErrorEquals) ? c.ErrorEquals.join(', ') : '';
        out.push({ to: c.Next, kind: 'catch', label: errs });
      }
    }
  }
  if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') {
    out.push({ to: END, kind: 'end', label: '' });
  }
  return out;
}

/** subMachines returns a Parallel's branches or a Map's processor. */
export function subMachines(state) {
  if (!state || typeof state !== 'object') return [];
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
    return state.Branches.map((b, i) => ({ label: `Branch ${i + 1}`, machine: b }));
  }
  if (state.Type === 'Map') {
    const p = state.ItemProcessor || state.Iterator;
    if (p && typeof p === 'object') return [{ label: 'Iteration', machine: p }];
  }
  return [];
}

/** layout lays out a whole definition, with start and end markers. */
export function layout(definition) {
  const problems = [];
  const g = layoutMachine(definition, '', true, problems);
  return { ...g, problems };
}

function layoutMachine(machine, prefix, terminals, problems) {
  const states = machine && typeof machine.States === 'object' && machine.States ? machine.States : {};
  const names = Object.keys(states);
  const id = (n) => (n === START || n === END ? n : prefix + n);

  // Nodes, with nested groups laid out first so their size is known.
  const nodes = new Map();
  if (terminals) nodes.set(START, { id: START, name: 'Start', type: '', kind: 'start', w: TERMINAL, h: TERMINAL });
  for (const n of names) {
    const st = states[n] || {};
    const node = { id: id(n), name: n, type: String(st.Type || ''), kind: 'state', w: nodeWidth(n), h: NODE_H };
    const subs = subMachines(st);
    if (subs.length) {
      node.groups = subs.map((s, i) => {
        const sub = layoutMachine(s.machine, `${prefix}${n}/${i}/`, false, problems);
        return { label: s.label, ...sub, x: 0, y: 0 };
      });
      const inner = node.groups.reduce((a, gr) => a + gr.w, 0) + GAP_X * (node.groups.length - 1);
      node.w = Math.max(node.w, inner + 2 * PAD);
      node.h = HEADER + Math.max(...node.groups.map((gr) => gr.h)) + PAD;
    }
    nodes.set(node.id, node);
  }
  if (terminals) nodes.set(END, { id: END, name: 'End', type: '', kind: 'end', w: TERMINAL, h: TERMINAL });

  // Edges; a target that is not a state is reported, not drawn.
  const edges = [];
  const startAt = typeof machine?.StartAt === 'string' ? machine.StartAt : '';
  if (startAt && !(startAt in states)) problems.push(`StartAt "${startAt}" is not a state`);
  if (terminals && startAt in states) edges.push({ from: START, to: id(startAt), kind: 'start', label: '' });
  for (const n of names) {
    for (const s of successors(states[n])) {
      if (s.to === END) {
        if (terminals) edges.push({ from: id(n), to: END, kind: 'end', label: '' });
      } else if (s.to in states) {
        edges.push({ from: id(n), to: id(s.to), kind: s.kind, label: s.label });
      } else {
        problems.push(`${prefix}${n}: next state "${s.to}" is not a state`);
      }
    }
  }

  // Depth-first from the start (then from anything unreached) finds the
  // back edges (loops) and a discovery order used to seed the ordering.
  const out = new Map([...nodes.keys()].map((k) => [k, []]));
  edges.forEach((e) => out.get(e.from).push(e));
  const seen = new Set();
  const onStack = new Set();
  const post = [];
  const discovery = [];
  const visit = (v) => {
    seen.add(v);
    onStack.add(v);
    discovery.push(v);
    for (const e of out.get(v)) {
      if (onStack.has(e.to)) e.back = true;
      else if (!seen.has(e.to)) visit(e.to);
    }
    onStack.delete(v);
    post.push(v);
  };
  const roots = terminals ? [START] : startAt in states ? [id(startAt)] : [];
  for (const r of [...roots, ...nodes.keys()]) if (!seen.has(r) && r !== END) visit(r);
  if (terminals && !seen.has(END)) visit(END);
  edges.forEach((e) => { e.back = Boolean(e.back); });

  // Longest-path layering over forward edges; End sits below everything.
  const layer = new Map([...nodes.keys()].map((k) => [k, 0]));
  for (const v of post.slice().reverse()) {
    for (const e of out.get(v)) {
      if (!e.back && e.to !== END) layer.set(e.to, Math.max(layer.get(e.to), layer.get(v) + 1));
    }
  }
  if (terminals) {
    let max = 0;
    for (const [k, l] of layer) if (k !== END) max = Math.max(max, l);
    layer.set(END, max + 1);
  }

  // Long forward edges get a virtual point on each layer they cross so
  // that ordering and routing keep them out of the boxes.
  const layers = [];
  const place = (k, l) => { (layers[l] ||= []).push(k); };
  const rank = new Map(discovery.map((k, i) => [k, i]));
  [...nodes.keys()].sort((a, b) => rank.get(a) - rank.get(b)).forEach((k) => place(k, layer.get(k)));
  const dummies = new Map(); // dummy id -> {layer}
  const chain = []; // per edge: node ids from source to target, dummies between
  edges.forEach((e, i) => {
    const ids = [e.from];
    if (!e.back) {
      for (let l = layer.get(e.from) + 1; l < layer.get(e.to); l++) {
        const d = `~${i}~${l}`;
        dummies.set(d, { layer: l });
        layer.set(d, l);
        place(d, l);
        ids.push(d);
      }
    }
    ids.push(e.to);
    chain.push(ids);
  });
  for (let l = 0; l < layers.length; l++) layers[l] ||= [];

  // Barycentre ordering, a few sweeps down and up.
  const ups = new Map();
  const downs = new Map();
  chain.forEach((ids, i) => {
    if (edges[i].back) return;
    for (let j = 0; j + 1 < ids.length; j++) {
      (downs.get(ids[j]) || downs.set(ids[j], []).get(ids[j])).push(ids[j + 1]);
      (ups.get(ids[j + 1]) || ups.set(ids[j + 1], []).get(ids[j + 1])).push(ids[j]);
    }
  });
  const pos = new Map();
  const index = () => layers.forEach((ks) => ks.forEach((k, i) => pos.set(k, i)));
  index();
  const sweep = (range, nbrs) => {
    for (const l of range) {
      const bary = new Map(layers[l].map((k, i) => {
        const ns = nbrs.get(k) || [];
        return [k, ns.length ? ns.reduce((a, n) => a + pos.get(n), 0) / ns.length : i];
      }));
      layers[l].sort((a, b) => bary.get(a) - bary.get(b) || pos.get(a) - pos.get(b));
      layers[l].forEach((k, i) => pos.set(k, i));
    }
  };
  const down = [...layers.keys()].slice(1);
  const upward = [...layers.keys()].reverse().slice(1);
  for (let i = 0; i < 4; i++) { sweep(down, ups); sweep(upward, downs); }

  // Coordinates: rows stacked top-down; in a row, nodes packed in order,
  // then pulled towards their predecessors' centres without overlapping.
  const size = (k) => nodes.get(k) || { w: 8, h: 0 };
  const cx = new Map();
  const rowW = layers.map((ks) => ks.reduce((a, k) => a + size(k).w, 0) + GAP_X * Math.max(0, ks.length - 1));
  const widest = Math.max(0, ...rowW);
  layers.forEach((ks, l) => {
    let x = (widest - rowW[l]) / 2;
    for (const k of ks) { cx.set(k, x + size(k).w / 2); x += size(k).w + GAP_X; }
  });
  for (let pass = 0; pass < 2; pass++) {
    for (const l of down) {
      const ks = layers[l];
      const want = ks.map((k) => {
        const ps = ups.get(k) || [];
        return ps.length ? ps.reduce((a, p) => a + cx.get(p), 0) / ps.length : cx.get(k);
      });
      // Left to right, never closer than the gap to the previous node.
      let minX = -Infinity;
      ks.forEach((k, i) => {
        const c = Math.max(want[i], minX + size(k).w / 2);
        cx.set(k, c);
        minX = c + size(k).w / 2 + GAP_X;
      });
    }
  }
  let minLeft = Infinity;
  for (const [k, c] of cx) minLeft = Math.min(minLeft, c - size(k).w / 2);
  if (!Number.isFinite(minLeft)) minLeft = 0;
  const rowH = layers.map((ks) => Math.max(0, ...ks.map((k) => size(k).h)));
  const rowTop = [];
  let y = 0;
  rowH.forEach((h, l) => { rowTop[l] = y; y += (h || 8) + GAP_Y; });
  const height = Math.max(0, y - GAP_Y);
  const center = new Map();
  for (const [k, c] of cx) {
    const l = layer.get(k);
    center.set(k, [c - minLeft, rowTop[l] + rowH[l] / 2]);
  }
  let width = 0;
  for (const [k, n] of nodes) {
    const [x0, y0] = center.get(k);
    n.x = x0 - n.w / 2;
    n.y = y0 - n.h / 2;
    width = Math.max(width, n.x + n.w);
  }

  // Edge routes: bottom of the source, through its virtual points, to the
  // top of the target. Back edges go round the right-hand side.
  let lane = width + BACK_GAP;
  edges.forEach((e, i) => {
    const a = nodes.get(e.from);
    const b = nodes.get(e.to);
    if (e.back) {
      const right = Math.max(a.x + a.w, b.x + b.w);
      const lo = Math.min(layer.get(e.from), layer.get(e.to));
      const hi = Math.max(layer.get(e.from), layer.get(e.to));
      let x = right + BACK_GAP;
      for (const [k, n] of nodes) {
        const l = layer.get(k);
        if (l >= lo && l <= hi) x = Math.max(x, n.x + n.w + BACK_GAP);
      }
      x = Math.max(x, lane);
      lane = x + BACK_GAP / 2;
      e.points = [[a.x + a.w, a.y + a.h / 2], [x, a.y + a.h / 2], [x, b.y + b.h / 2], [b.x + b.w, b.y + b.h / 2]];
      width = Math.max(width, x + BACK_GAP);
      return;
    }
    const pts = [[a.x + a.w / 2, a.y + a.h]];
    for (const d of chain[i].slice(1, -1)) {
      const [dx, dy] = center.get(d);
      pts.push([dx, dy - rowH[layer.get(d)] / 2], [dx, dy + rowH[layer.get(d)] / 2]);
    }
    pts.push([b.x + b.w / 2, b.y]);
    e.points = pts;
  });

  // Parallel edges between the same two states (a Next and a Catch, say)
  // are spread apart so both stay visible.
  const pairs = new Map();
  for (const e of edges) {
    if (e.back) continue;
    const k = `${e.from}\u0000${e.to}`;
    (pairs.get(k) || pairs.set(k, []).get(k)).push(e);
  }
  for (const same of pairs.values()) {
    same.forEach((e, j) => {
      const dx = (j - (same.length - 1) / 2) * 12;
      if (dx) e.points = e.points.map(([px, py]) => [px + dx, py]);
    });
  }

  // Place each box's groups side by side inside it.
  for (const n of nodes.values()) {
    if (!n.groups) continue;
    const inner = n.groups.reduce((a, gr) => a + gr.w, 0) + GAP_X * (n.groups.length - 1);
    let gx = n.x + (n.w - inner) / 2;
    for (const gr of n.groups) {
      translate(gr, gx, n.y + HEADER);
      gx += gr.w + GAP_X;
    }
  }
  return { nodes: [...nodes.values()], edges, w: width, h: height, width, height };
}

/** translate shifts a laid-out (sub)graph, nested groups included, by
 * dx, dy. A group starts at 0,0, so shifting it places it. */
function translate(g, dx, dy) {
  g.x += dx;
  g.y += dy;
  for (const n of g.nodes) {
    n.x += dx;
    n.y += dy;
    for (const gr of n.groups || []) translate(gr, dx, dy);
  }
  for (const e of g.edges) e.points = e.points.map(([px, py]) => [px + dx, py + dy]);
}

/** flatten lists every node of a layout, nested ones included. */
export function flatten(g) {
  const out = [];
  for (const n of g.nodes) {
    out.push(n);
    for (const gr of n.groups || []) out.push(...flatten(gr));
  }
  return out;
}

/** flattenEdges lists every edge of a layout, nested ones included. */
export function flattenEdges(g) {
  const out = [...g.edges];
  for (const n of g.nodes) for (const gr of n.groups || []) out.push(...flattenEdges(gr));
  return out;
}
