'use strict';
/**
 * Summarises a V8 .cpuprofile: top functions by self time, by inclusive (total) time, and self
 * time grouped by where the code lives (an npm package, Node internals, the app's dist/ code,
 * native/GC). Used by bench/run.js when BENCH_PROFILE=1; also runnable on its own:
 *
 *   node bench/profile-summary.js <file.cpuprofile> [topN]
 *
 * Only the main JavaScript thread is sampled: disk writes and fsync on libuv's thread pool do not
 * appear (they show in the CPU-seconds figure from /proc instead). "(idle)" is the event loop
 * waiting, "(program)" native code outside any JS frame (e.g. libuv, the HTTP parser's C side).
 */
const fs = require('node:fs');
const path = require('node:path');

function where(url) {
  if (!url) return 'native';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:'))
    return (
      'node:' +
      url
        .slice(5)
        .split('/')
        .slice(0, 2)
        .join('/')
        .replace(/^internal\//, 'internal/')
    );
  const dist = url.indexOf('/dist/');
  if (dist >= 0)
    return (
      'app:' +
      url
        .slice(dist + 1)
        .split('/')
        .slice(0, 3)
        .join('/')
    );
  const bench = url.indexOf('/bench/');
  if (bench >= 0) return 'bench:' + url.slice(bench + 1);
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url) {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  const bench = url.indexOf('/bench/');
  if (bench >= 0) return url.slice(bench + 1);
  return url.replace(/^file:\/\//, '');
}

/** Returns a plain summary object (ms figures) for a parsed profile. */
function summarise(profile, topN = 15) {
  const byId = new Map();
  const parent = new Map();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children || []) parent.set(child, node.id);
  }
  const keyOf = (node) => {
    const cf = node.callFrame;
    return `${cf.functionName || '(anonymous)'}\u0000${cf.url}\u0000${cf.lineNumber}`;
  };
  const self = new Map();
  const total = new Map();
  const groups = new Map();
  let all = 0;
  let idle = 0;
  const samples = profile.samples || [];
  const deltas = profile.timeDeltas || [];
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute the *next* delta to this sample.
    const us = Math.max(0, deltas[i + 1] !== undefined ? deltas[i + 1] : deltas[i] || 0);
    const node = byId.get(samples[i]);
    if (!node) continue;
    all += us;
    const name = node.callFrame.functionName;
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const k = keyOf(node);
    self.set(k, (self.get(k) || 0) + us);
    const g =
      name === '(garbage collector)' ? 'gc' : name === '(program)' ? 'native (program)' : where(node.callFrame.url);
    groups.set(g, (groups.get(g) || 0) + us);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id);
      const nk = keyOf(n);
      if (n.callFrame.functionName === '(root)' || seen.has(nk)) continue;
      seen.add(nk);
      total.set(nk, (total.get(nk) || 0) + us);
    }
  }
  const busy = all - idle;
  const rows = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([k, us]) => {
        const [fn, url, line] = k.split('\u0000');
        return {
          function: fn,
          where: url ? `${shortUrl(url)}:${Number(line) + 1}` : '',
          ms: +(us / 1000).toFixed(1),
          pctBusy: +((100 * us) / (busy || 1)).toFixed(1),
        };
      });
  return {
    wallMs: +(all / 1000).toFixed(1),
    busyMs: +(busy / 1000).toFixed(1),
    idleMs: +(idle / 1000).toFixed(1),
    topSelf: rows(self),
    topTotal: rows(total),
    byPackage: [...groups.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([group, us]) => ({ group, ms: +(us / 1000).toFixed(1), pctBusy: +((100 * us) / (busy || 1)).toFixed(1) })),
  };
}

function formatSummary(title, s) {
  const pad = (v, n) => String(v).padEnd(n);
  const lpad = (v, n) => String(v).padStart(n);
  const lines = [`${title}: main thread ${s.wallMs} ms sampled, ${s.busyMs} ms busy, ${s.idleMs} ms idle`];
  lines.push('  self time (busy %)   function                          location');
  for (const r of s.topSelf)
    lines.push(
      `  ${lpad(r.ms.toFixed(1), 9)} ms ${lpad(r.pctBusy.toFixed(1), 5)}%   ${pad(r.function.slice(0, 32), 33)} ${r.where}`,
    );
  lines.push('  self time by package/area');
  for (const r of s.byPackage)
    lines.push(`  ${lpad(r.ms.toFixed(1), 9)} ms ${lpad(r.pctBusy.toFixed(1), 5)}%   ${r.group}`);
  lines.push('  inclusive time (busy %)');
  for (const r of s.topTotal)
    lines.push(
      `  ${lpad(r.ms.toFixed(1), 9)} ms ${lpad(r.pctBusy.toFixed(1), 5)}%   ${pad(r.function.slice(0, 32), 33)} ${r.where}`,
    );
  return lines.join('\n');
}

module.exports = { summarise, formatSummary };

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/profile-summary.js <file.cpuprofile> [topN]');
    process.exit(2);
  }
  const s = summarise(JSON.parse(fs.readFileSync(file, 'utf8')), Number(process.argv[3] || 20));
  console.log(formatSummary(path.basename(file), s));
}
