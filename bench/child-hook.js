'use strict';
/**
 * Preloaded (`node -r bench/child-hook.js ...`) into both servers the bench starts. It talks to
 * bench/run.js over the IPC channel and does two things only:
 *
 *  - exits when the bench goes away (the channel disconnects), so a killed bench leaves no server
 *    behind;
 *  - on {cmd:'memory'} answers process.memoryUsage() (heap / external / array buffers);
 *  - on {cmd:'profile-start'} / {cmd:'profile-stop', out} runs the V8 CPU profiler in-process and
 *    writes a .cpuprofile (BENCH_PROFILE=1). Signals are not used: NestJS's shutdown hooks treat
 *    SIGUSR2 as a shutdown signal.
 *
 * Nothing here touches the server's own code; with BENCH_PROFILE unset it costs one listener.
 */
const fs = require('node:fs');

if (typeof process.send === 'function') {
  let session;
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));

  process.on('disconnect', () => process.exit(0));
  process.on('message', async (msg) => {
    if (!msg || typeof msg !== 'object' || typeof msg.cmd !== 'string') return;
    try {
      if (msg.cmd === 'memory') {
        // V8's view of memory, to split RSS into JS heap, Buffers and the rest (code, native).
        const gc = msg.gc && typeof global.gc === 'function';
        if (gc) global.gc();
        return process.send({ ack: msg.seq, memory: process.memoryUsage() });
      }
      if (msg.cmd === 'profile-start') {
        if (!session) {
          const inspector = require('node:inspector');
          session = new inspector.Session();
          session.connect();
          await post('Profiler.enable');
          await post('Profiler.setSamplingInterval', {
            interval: Number(process.env.BENCH_PROFILE_INTERVAL_US || 500),
          });
        }
        await post('Profiler.start');
      } else if (msg.cmd === 'profile-stop') {
        const { profile } = await post('Profiler.stop');
        fs.writeFileSync(msg.out, JSON.stringify(profile));
      }
      process.send({ ack: msg.seq });
    } catch (error) {
      process.send({ ack: msg.seq, error: String(error && error.stack ? error.stack : error) });
    }
  });
  // The channel must not keep an otherwise finished process alive.
  if (process.channel && typeof process.channel.unref === 'function') process.channel.unref();
}
