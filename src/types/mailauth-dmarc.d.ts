// mailauth ships no types for this module; the shape is what lib/dmarc/get-dmarc-record.js returns.
declare module 'mailauth/lib/dmarc/get-dmarc-record.js' {
  type Resolver = (name: string, type: string) => Promise<unknown>;
  export default function getDmarcRecord(
    domain: string,
    resolver: Resolver,
    options?: { strict?: boolean },
  ): Promise<false | Record<string, unknown>>;
}
