#!/usr/bin/env node
// CommonJS (bin/package.json) and one bundle: the fastest start measured; see bench/startup.ts.
require('node:module').enableCompileCache?.();

// `mailops ... | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const { main } = require('../dist/mailops.cjs');
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
);
