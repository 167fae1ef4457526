/**
 * One DNS question in node:dns's shapes (string[] for A/AAAA/PTR, {priority, exchange}[]
 * for MX, string[][] of character-strings for TXT) and error codes (ENOTFOUND and ENODATA
 * are void answers, anything else is a temporary error): the seam mailauth evaluates through.
 */
export type DnsLookup = (name: string, type: string) => Promise<unknown>;
