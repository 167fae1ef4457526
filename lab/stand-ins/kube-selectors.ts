// Label and field selectors as the API server reads them (k8s.io/apimachinery labels.Parse and
// fields.ParseSelector): equality, inequality, existence and set requirements, comma-separated.

export class SelectorError extends Error {}

/** The requirements of a label selector: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`. */
function labelRequirements(selector: string): ((labels: Record<string, string>) => boolean)[] {
  const parts = selector.match(/[^,(]+(?:\([^)]*\))?/g) ?? [];
  return parts
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
      if (set) {
        const values = set[3]!.split(',').map((v) => v.trim());
        return set[2] === 'in'
          ? (labels) => values.includes(labels[set[1]!] ?? '\0')
          : (labels) => !values.includes(labels[set[1]!] ?? '\0');
      }
      const pair = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
      if (pair) return pair[2] === '!=' ? (l) => l[pair[1]!] !== pair[3] : (l) => l[pair[1]!] === pair[3];
      if (/^![^!=\s]+$/.test(part)) return (labels) => !(part.slice(1) in labels);
      if (/^[^!=\s]+$/.test(part)) return (labels) => part in labels;
      throw new SelectorError(`unable to parse requirement: ${part}`);
    });
}

/** A label selector, parsed before any object is read (a bad one is the server's 400). */
export function labelMatcher(selector: string): (labels: Record<string, string>) => boolean {
  const requirements = labelRequirements(selector);
  return (labels) => requirements.every((requirement) => requirement(labels));
}

const at = (object: unknown, path: string): string => {
  let value: unknown = object;
  for (const key of path.split('.'))
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
};

/** A field selector over the fields the resource indexes, parsed first: any other field is the server's 400. */
export function fieldMatcher(selector: string, supported: readonly string[]): (object: unknown) => boolean {
  const requirements = selector
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const pair = /^([^!=]+)(==|=|!=)(.*)$/.exec(part);
      if (!pair) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
      const [, field, op, value] = pair;
      if (!supported.includes(field!)) throw new SelectorError(`field label not supported: ${field}`);
      return (object: unknown) => (at(object, field!) === value) === (op !== '!=');
    });
  return (object) => requirements.every((requirement) => requirement(object));
}
