#!/usr/bin/env -S node --max-semi-space-size=2
// A young generation of 2 MiB a semi-space: V8 otherwise grows it to tens of MiB while a backup
// streams millions of short-lived manifest lines, and RSS with it (bench/backup-memory.ts).
// CommonJS (bin/package.json) and one bundle: the fastest start measured; see bench/startup.ts.
require('node:module').enableCompileCache?.();

// `mailops ... | head` closes stdout early: the rest of the output has nowhere to go, but the run
// goes on and its exit code (a failed check is 1) must survive.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
});

/** Calls done once everything written to the stream has left the process (or it cannot). */
function drain(stream, done) {
  if (stream.destroyed || !stream.writable) done();
  else stream.write('', () => done());
}

const { main } = require('../dist/mailops.cjs');
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
    // A run stopped at its deadline may leave a call behind that would keep the process (and a
    // CronJob's pod) alive: exit once the output is out.
    drain(process.stdout, () => drain(process.stderr, () => process.exit(code)));
  },
);
