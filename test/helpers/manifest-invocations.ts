import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject, PodSpec } from './kustomize.js';

type Container = PodSpec['containers'][number] & {
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: Record<string, { key?: string }> }[];
  volumeMounts?: { name: string; mountPath: string }[];
};

/** Words of a shell script that end a command. */
const ENDS = new Set(['&&', '||', ';', '|', '{', '}', '(', ')']);

/**
 * The mailops command lines a container runs: its args when the image's entrypoint (mailops)
 * runs, or each `mailops ...` of an `sh -c` script, whose "$@" stands for the args.
 */
export function invocations(container: Container): string[][] {
  const args = container.args ?? [];
  if (!container.command) return [args];
  const [shell, flag, script] = container.command;
  if (shell !== 'sh' || flag !== '-c' || script === undefined)
    throw new Error(`expected the image's entrypoint or sh -c, got ${JSON.stringify(container.command)}`);
  const words = script.split(/\s+/).filter(Boolean);
  const lines: string[][] = [];
  words.forEach((word, i) => {
    if (word !== 'mailops') return;
    const line: string[] = [];
    for (const next of words.slice(i + 1)) {
      if (ENDS.has(next)) break;
      if (next === '"$@"') line.push(...args);
      else line.push(next.replace(/;$/, ''));
      if (next.endsWith(';')) break;
    }
    lines.push(line);
  });
  return lines;
}

/**
 * A container's environment, each value from a Secret or the API a stand-in naming where it
 * comes from: the option parsers see a value of the kind they will be given.
 */
export function containerEnv(container: Container): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? []).map((e) => {
      const [from, ref] = Object.entries(e.valueFrom ?? {})[0] ?? [];
      return [e.name, e.value ?? `${from}-${ref?.key ?? 'value'}`];
    }),
  );
}

/**
 * The container's ConfigMap volumes written under dir, as the kubelet would mount them, and a
 * function that turns a path inside a mount into its copy.
 */
export function mountConfigMaps(objects: KubeObject[], pod: PodSpec, dir: string): (word: string) => string {
  const container = pod.containers[0] as Container;
  const copies: [string, string][] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((v) => v.name === mount.name) as
      { configMap?: { name: string } } | undefined;
    if (!volume?.configMap) continue;
    const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap!.name);
    if (!map) throw new Error(`expected ConfigMap ${volume.configMap.name} in the build, got none`);
    const copy = join(dir, mount.name);
    mkdirSync(copy, { recursive: true });
    for (const [key, text] of Object.entries(map.data as Record<string, string>))
      writeFileSync(join(copy, key), text);
    copies.push([`${mount.mountPath}/`, `${copy}/`]);
  }
  return (word) => {
    const copy = copies.find(([path]) => word.startsWith(path));
    return copy ? copy[1] + word.slice(copy[0].length) : word;
  };
}
