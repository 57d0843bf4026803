'use strict';
/**
 * `node bench/hash-state.js [MiB]`: the figures behind how resumable uploads get their SHA-256.
 * Node's crypto cannot save a hash's state, so a hash across chunks, restarts and instances needs
 * either a hash whose state can be saved (hash-wasm: save()/load()) or one more read of the staged
 * bytes at completion. Measured here in one run: Node crypto, hash-wasm, and re-reading a staged
 * file (page cache warm and, where allowed, cold).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const { createSHA256 } = require('hash-wasm');

const MiB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] || 1024);
const now = () => Number(process.hrtime.bigint()) / 1e9;

async function main() {
  const chunk = crypto.randomBytes(MiB);
  let t = now();
  const h = crypto.createHash('sha256');
  for (let i = 0; i < sizeMiB; i++) h.update(chunk);
  h.digest('hex');
  const node = sizeMiB / (now() - t);

  const w = await createSHA256();
  t = now();
  w.init();
  for (let i = 0; i < sizeMiB; i++) {
    w.update(chunk);
    if (i % 64 === 63) w.load(w.save()); // what a checkpoint would do: save the state, load it back
  }
  const stateBytes = w.save().length;
  w.digest('hex');
  const wasm = sizeMiB / (now() - t);

  const file = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'hash-state-')), 'staged.bin');
  const out = await fsp.open(file, 'w');
  for (let i = 0; i < sizeMiB; i++) await out.write(chunk);
  await out.sync();
  await out.close();
  const reread = async () => {
    const r = crypto.createHash('sha256');
    const t0 = now();
    for await (const c of fs.createReadStream(file, { highWaterMark: MiB })) r.update(c);
    r.digest('hex');
    return now() - t0;
  };
  const warm = await reread();
  let cold = null;
  try {
    fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
    cold = await reread();
  } catch {
    /* not root, or not Linux: warm only */
  }
  await fsp.rm(path.dirname(file), { recursive: true, force: true });

  console.log(`SHA-256 over ${sizeMiB} MiB in 1 MiB chunks (${os.cpus()[0]?.model.trim()})`);
  console.log(`  Node crypto (OpenSSL)                 ${node.toFixed(0).padStart(6)} MiB/s`);
  console.log(
    `  hash-wasm, state saved every 64 MiB   ${wasm.toFixed(0).padStart(6)} MiB/s   (${(wasm / node).toFixed(2)}× Node; state ${stateBytes} bytes)`,
  );
  console.log(
    `  re-read staged file + Node crypto     ${(sizeMiB / warm).toFixed(0).padStart(6)} MiB/s warm, ${cold ? (sizeMiB / cold).toFixed(0) : '—'} MiB/s cold` +
      `   (${warm.toFixed(2)} s${cold ? ` / ${cold.toFixed(2)} s` : ''} added to completion)`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
