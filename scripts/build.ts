// Builds dist/mailops.cjs: one CommonJS bundle of src/ with commander and chalk inside.
// Measured (npm run bench): a CJS bundle starts faster than ESM modules or an ESM bundle.
// Other dependencies stay external and load only on the run path that needs them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const bundled = new Set(['commander', 'chalk']);
const external = Object.keys(pkg.dependencies)
  .filter((name) => !bundled.has(name))
  .flatMap((name) => [name, `${name}/*`]);

await build({
  entryPoints: [join(root, 'src/cli.ts')],
  outfile: join(root, 'dist/mailops.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external,
  jsx: 'automatic',
  sourcemap: true,
  legalComments: 'none',
  // Smaller to parse on every start; identifiers kept, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  define: { MAILOPS_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
  plugins: [
    {
      // commander requires node:child_process at load, for executable subcommands mailops does not
      // use: 7 ms of every start. It gets a proxy that loads the module on first use instead.
      name: 'lazy-child-process-for-commander',
      setup(b) {
        b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
          args.importer.includes('/node_modules/commander/')
            ? { path: 'lazy-child-process', namespace: 'mailops-shim' }
            : undefined,
        );
        b.onLoad({ filter: /^lazy-child-process$/, namespace: 'mailops-shim' }, () => ({
          contents:
            "module.exports = new Proxy({}, { get: (_, key) => require('node:child_process')[key] });",
          loader: 'js',
        }));
      },
    },
    {
      // chalk detects the terminal's colour support when it loads (tty, os, env: 4 ms of every
      // start). mailops never asks it: every Chalk is built with the level mailops decided
      // (TTY, NO_COLOR, --color), so the detector is replaced by one that finds nothing.
      name: 'no-colour-detection-in-chalk',
      setup(b) {
        b.onResolve({ filter: /^#supports-color$/ }, () => ({
          path: 'no-detection',
          namespace: 'mailops-shim',
        }));
        b.onLoad({ filter: /^no-detection$/, namespace: 'mailops-shim' }, () => ({
          contents: 'export default { stdout: false, stderr: false };',
          loader: 'js',
        }));
      },
    },
  ],
});
