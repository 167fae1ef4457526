// RFC 7208 §12's grammar for one term of a record; the record-level rules live in record.ts.
import { isIPv6 } from 'node:net';

export type Qualifier = '+' | '-' | '~' | '?';

/** Which rule a term breaks: the README's table of validation rules shows each with an example. */
export const SYNTAX_RULES = [
  'unknown-term',
  'qualifier',
  'all-argument',
  'domain-required',
  'cidr-not-allowed',
  'ip4-network',
  'ip4-cidr',
  'ip6-network',
  'ip6-cidr',
  'dual-cidr',
  'macro',
  'macro-exp-only',
  'domain-end',
  'modifier-value',
  'modifier-twice',
  'ascii',
] as const;
export type SyntaxRule = (typeof SYNTAX_RULES)[number];

export interface SyntaxProblem {
  rule: SyntaxRule;
  /** What the rule wants, said of this term. */
  message: string;
}

interface TermBase {
  text: string;
  /** 1-based, counting the terms after "v=spf1". */
  position: number;
  problems: SyntaxProblem[];
}

export type Term =
  | (TermBase & {
      kind: 'mechanism';
      qualifier: Qualifier;
      name: Mechanism;
      /** The domain-spec (a, mx, ptr, include, exists) or network (ip4, ip6), as written. */
      target?: string;
      cidr4?: number;
      cidr6?: number;
    })
  | (TermBase & { kind: 'modifier'; name: string; value: string })
  | (TermBase & { kind: 'invalid' });

const MECHANISMS = ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'] as const;
type Mechanism = (typeof MECHANISMS)[number];
const isMechanism = (name: string): name is Mechanism => (MECHANISMS as readonly string[]).includes(name);

const MODIFIER = /^([A-Za-z][A-Za-z0-9_.-]*)=(.*)$/s;
const DIRECTIVE = /^([-+~?]?)([A-Za-z0-9]+)(.*)$/s;
/** ip4-cidr-length and ip6-cidr-length at the end: no leading zeros (RFC 7208 §12). */
const DUAL_CIDR = /(?:\/(0|[1-9]\d*))?(?:\/\/(0|[1-9]\d*))?$/;
const QNUM = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IP4 = new RegExp(`^${QNUM}\\.${QNUM}\\.${QNUM}\\.${QNUM}$`);
const TOPLABEL = /^(?=.*[A-Za-z])[A-Za-z0-9]+$|^[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]$/;
const MACRO_LETTERS = 'slodiphcrtv';
const EXP_ONLY = 'crt';
/** macro-expand: %{letter transformers delimiters}, %%, %_ or %-. */
const MACRO = /^%\{([A-Za-z])(\d*)(r?)([.\-+,/_=]*)\}|^%[%_-]/i;

const problem = (rule: SyntaxRule, message: string): SyntaxProblem => ({ rule, message });

/**
 * A macro-string's problems: every "%" starts a valid macro-expand, every other character is
 * visible ASCII.
 */
function macroStringProblems(text: string): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  for (let i = 0; i < text.length;) {
    const char = text[i]!;
    if (char !== '%') {
      const code = char.charCodeAt(0);
      if (code < 0x21 || code > 0x7e)
        problems.push(problem('macro', `${JSON.stringify(char)} is not a visible ASCII character`));
      i++;
      continue;
    }
    const macro = MACRO.exec(text.slice(i));
    if (!macro) {
      const shown = text.slice(i, i + 4);
      problems.push(
        problem('macro', `"${shown}" is not a macro; one is %{letter}, %%, %_ or %- (a literal % is %%)`),
      );
      i++;
      continue;
    }
    const letter = macro[1]?.toLowerCase();
    if (letter !== undefined && !MACRO_LETTERS.includes(letter))
      problems.push(problem('macro', `%{${macro[1]}} is not a macro letter (s l o d i p h c r t v)`));
    else if (macro[2] !== undefined && macro[2] !== '' && Number(macro[2]) === 0)
      problems.push(problem('macro', `${macro[0]}: a digit transformer is at least 1`));
    else if (letter !== undefined && EXP_ONLY.includes(letter))
      problems.push(problem('macro-exp-only', `%{${macro[1]}} is allowed only in explanation text (exp=)`));
    i += macro[0].length;
  }
  return problems;
}

/** domain-spec = macro-string domain-end: the name must end in a top label or a macro. */
function domainSpecProblems(spec: string): SyntaxProblem[] {
  if (spec === '') return [problem('domain-required', 'expected a domain, got nothing')];
  const problems = macroStringProblems(spec);
  if (problems.length) return problems;
  if (/%(\{[^}]*\}|[%_-])$/.test(spec)) return [];
  const labels = spec.replace(/\.$/, '').split('.');
  const top = labels.at(-1) ?? '';
  if (labels.length < 2 || !TOPLABEL.test(top)) {
    const hint = IP4.test(spec)
      ? ' (an address belongs in ip4:)'
      : labels.length < 2
        ? ' (a fully qualified name)'
        : '';
    problems.push(
      problem('domain-end', `expected a domain ending in a top label or a macro, got "${spec}"${hint}`),
    );
  }
  return problems;
}

/** a and mx: /n for IPv4 clients (at most 32), //n for IPv6 ones (at most 128). */
function dualCidrProblems(cidr4: number | undefined, cidr6: number | undefined): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  if (cidr4 !== undefined && cidr4 > 32)
    problems.push(problem('ip4-cidr', `/${cidr4}: an IPv4 prefix length is at most 32`));
  if (cidr6 !== undefined && cidr6 > 128)
    problems.push(problem('ip6-cidr', `//${cidr6}: an IPv6 prefix length is at most 128`));
  return problems;
}

/** One term, parsed and checked against the grammar; problems empty when it is valid. */
export function parseTerm(text: string, position: number): Term {
  const base = { text, position };
  if (/[^\x20-\x7e]/.test(text))
    return { ...base, kind: 'invalid', problems: [problem('ascii', 'a record is 7-bit ASCII text')] };
  const modifier = MODIFIER.exec(text);
  if (modifier?.[1] !== undefined && modifier[2] !== undefined) {
    const name = modifier[1].toLowerCase();
    const value = modifier[2];
    const problems =
      name === 'redirect' || name === 'exp'
        ? domainSpecProblems(value).map((p) =>
            p.rule === 'domain-required' ? { ...p, rule: 'modifier-value' as const } : p,
          )
        : macroStringProblems(value);
    return { ...base, kind: 'modifier', name, value, problems };
  }
  const directive = DIRECTIVE.exec(text);
  const name = directive?.[2]?.toLowerCase() ?? '';
  if (!directive || !isMechanism(name)) {
    const qualified = /^[^A-Za-z0-9]([A-Za-z0-9]+)/.exec(text)?.[1]?.toLowerCase();
    const rule = qualified && isMechanism(qualified) ? 'qualifier' : 'unknown-term';
    const message =
      rule === 'qualifier'
        ? `a qualifier is one of + - ~ ?, got "${text[0] ?? ''}"`
        : 'expected a mechanism (all, include, a, mx, ptr, ip4, ip6, exists) or a modifier (name=value)';
    return { ...base, kind: 'invalid', problems: [problem(rule, message)] };
  }
  const qualifier = (directive[1] || '+') as Qualifier;
  const rest = directive[3] ?? '';
  const mechanism = { ...base, kind: 'mechanism' as const, qualifier, name };
  if (name === 'all') {
    const problems = rest ? [problem('all-argument', `all takes no argument, got "${rest}"`)] : [];
    return { ...mechanism, problems };
  }
  if (rest !== '' && !rest.startsWith(':') && !rest.startsWith('/'))
    return {
      ...base,
      kind: 'invalid',
      problems: [
        problem('unknown-term', `expected "${name}", "${name}:..." or "${name}/...", got "${text}"`),
      ],
    };
  const cidrs =
    name === 'a' || name === 'mx' || name === 'ip4' || name === 'ip6' ? DUAL_CIDR.exec(rest) : null;
  const cidrText = cidrs?.[0] ?? '';
  const cidr4 = cidrs?.[1] === undefined ? undefined : Number(cidrs[1]);
  const cidr6 = cidrs?.[2] === undefined ? undefined : Number(cidrs[2]);
  const argument = rest.slice(0, rest.length - cidrText.length);
  if (argument !== '' && !argument.startsWith(':'))
    return {
      ...mechanism,
      problems: [problem('cidr-not-allowed', `a prefix length is not allowed on ${name}, got "${rest}"`)],
    };
  const target = argument.slice(1);
  const withTarget = { ...mechanism, ...(argument ? { target } : {}) };
  const parsed = {
    ...withTarget,
    ...(cidr4 === undefined ? {} : { cidr4 }),
    ...(cidr6 === undefined ? {} : { cidr6 }),
  };
  if (name === 'ip4' || name === 'ip6') {
    const problems: SyntaxProblem[] = [];
    const valid = name === 'ip4' ? IP4.test(target) : isIPv6(target) && !target.includes('%');
    if (!valid)
      problems.push(
        problem(
          `${name}-network`,
          `expected an ${name === 'ip4' ? 'IPv4' : 'IPv6'} address, got "${target}"`,
        ),
      );
    if (cidr6 !== undefined)
      problems.push(problem('dual-cidr', `${name} takes one prefix length, got "${cidrText}"`));
    // One slash: the network's own prefix length, at most 32 for ip4 and 128 for ip6.
    const most = name === 'ip4' ? 32 : 128;
    if (cidr4 !== undefined && cidr4 > most)
      problems.push(
        problem(
          `${name}-cidr`,
          `/${cidr4}: an ${name === 'ip4' ? 'IPv4' : 'IPv6'} prefix length is at most ${most}`,
        ),
      );
    return { ...parsed, problems };
  }
  if ((name === 'include' || name === 'exists') && !argument)
    return { ...parsed, problems: [problem('domain-required', `${name} needs ":" and a domain`)] };
  const problems = [...(argument ? domainSpecProblems(target) : []), ...dualCidrProblems(cidr4, cidr6)];
  return { ...parsed, problems };
}
