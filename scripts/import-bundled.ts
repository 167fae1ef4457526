// Imports a module of src/ from a script run by plain node: src/ names its imports as .js files
// that are .ts here, so the module is bundled first. Packages stay outside the bundle (it is
// written under node_modules, which resolves them), and so do the modules src/ loads lazily (a
// command's code): a generator reads data and declarations only.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { build } from 'esbuild';

export async function importBundled<T>(root: string, entry: string): Promise<T> {
  const cache = join(root, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const outfile = join(mkdtempSync(join(cache, 'mailops-script-')), `${basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    plugins: [
      {
        name: 'lazy-imports-stay-out',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) =>
            args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
          );
        },
      },
    ],
  });
  try {
    return (await import(outfile)) as T;
  } finally {
    rmSync(dirname(outfile), { recursive: true, force: true });
  }
}
