import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// No Docker engine here: the image is checked for what the manifests rely on.
const dockerfile = readFileSync(join(import.meta.dirname, '../../Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'));

describe('Dockerfile', () => {
  it('builds on Node 24 slim from the packed tarball, with rsync, as a numeric non-root user, mailops as entrypoint', () => {
    expect(instructions[0]).toBe('FROM node:24-bookworm-slim');
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends rsync /);
    expect(dockerfile).toMatch(/npm install --global --omit=dev .*\/tmp\/mailops\.tgz/);
    expect(instructions.filter((l) => l.startsWith('USER '))).toEqual(['USER 10001:10001']);
    expect(instructions.at(-2)).toBe('ENTRYPOINT ["mailops"]');
  });
});
