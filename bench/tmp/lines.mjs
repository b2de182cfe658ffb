import fs from 'node:fs';
const [f, fn] = process.argv.slice(2);
const p = JSON.parse(fs.readFileSync(f, 'utf8'));
const by = new Map();
for (const n of p.nodes) if (n.callFrame.functionName === fn) for (const t of n.positionTicks ?? []) by.set(t.line, (by.get(t.line) ?? 0) + t.ticks);
const src = fs.readFileSync('/work/main/packages/core/dist/index.js', 'utf8').split('\n');
for (const [l, t] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(t, l, src[l - 1]?.trim().slice(0, 140));
