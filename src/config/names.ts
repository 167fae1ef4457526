// Constants shared by the cheap start-up path (flag definitions) and the schemas; no imports here on purpose.
export const FORMATS = ['text', 'json', 'prom'] as const;
export type Format = (typeof FORMATS)[number];

export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A Prometheus label name that is not reserved (leading "__"). */
export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

/** An absolute http(s) URL, as a Pushgateway or API base must be. */
export function isHttpUrl(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
