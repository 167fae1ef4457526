// mailauth ships no types for this module; only what mailops uses, as lib/tools.js defines it.
declare module 'mailauth/lib/tools.js' {
  /**
   * The first entry aligned with fromDomain, or false. Relaxed (strict false): the two share an
   * organisational domain under the Public Suffix List, ICANN and private sections.
   */
  export function getAlignment(
    fromDomain: string,
    domainList: (string | { domain: string })[],
    strict: boolean,
  ): false | { domain: string };
}
