// Measures jsonata-js on the case written by `go run ./bench/jsonata -spec`:
// compile once, warm up, then time N evaluations. jsonata 2.x evaluates
// asynchronously, so each evaluation is awaited, as a caller would.
'use strict';
const fs = require('fs');
const jsonata = require('jsonata');

async function main() {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const minMillis = Number(process.argv[3] || 2000);
  const expr = jsonata(spec.expression);
  const input = spec.input;
  let result;
  for (let i = 0; i < 20000; i++) result = await expr.evaluate(input);
  // Grow the batch until one takes minMillis, as Go's testing.Benchmark does.
  let n = 1000, ns = 0n, cpu;
  for (;;) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await expr.evaluate(input);
    ns = process.hrtime.bigint() - t0;
    cpu = process.cpuUsage(c0);
    if (ns >= BigInt(minMillis) * 1000000n || n >= 1e8) break;
    n *= 4;
  }
  console.log(`node_ns_per_op ${Number(ns) / n}`);
  // CPU time (user + system, microseconds) per op: steadier on a busy machine.
  console.log(`node_cpu_ns_per_op ${((cpu.user + cpu.system) * 1000) / n}`);
  console.log(`node_iterations ${n}`);
  console.log(`node_result ${JSON.stringify(result)}`);
  console.log(`node_versions node=${process.version} jsonata=${require('jsonata/package.json').version}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
