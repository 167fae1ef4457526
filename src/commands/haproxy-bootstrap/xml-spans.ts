/** An element's place in the text: [start, end) is all of it, [openEnd, closeStart) its content. */
export interface Span {
  name: string;
  start: number;
  openEnd: number;
  closeStart: number;
  end: number;
  selfClosing: boolean;
}

function skip(xml: string, at: number, open: string, close: string): number | undefined {
  if (!xml.startsWith(open, at)) return undefined;
  const end = xml.indexOf(close, at + open.length);
  if (end < 0) throw new Error(`unterminated ${open} at offset ${at}`);
  return end + close.length;
}

/**
 * The direct child elements of the content range [from, to), with their offsets: the
 * edits then replace or insert text and leave every other byte of the file as it was
 * (re-serialising with an XML library would reformat all of pfSense's config).
 */
export function childElements(xml: string, from: number, to: number): Span[] {
  const children: Span[] = [];
  let depth = 0;
  let current: Omit<Span, 'closeStart' | 'end'> | undefined;
  let i = from;
  while (i < to) {
    const lt = xml.indexOf('<', i);
    if (lt < 0 || lt >= to) break;
    const skipped =
      skip(xml, lt, '<!--', '-->') ??
      skip(xml, lt, '<![CDATA[', ']]>') ??
      skip(xml, lt, '<?', '?>') ??
      skip(xml, lt, '<!', '>');
    if (skipped !== undefined) {
      i = skipped;
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw new Error(`unterminated tag at offset ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      depth--;
      if (depth === 0 && current) {
        children.push({ ...current, closeStart: lt, end: gt + 1 });
        current = undefined;
      }
    } else {
      const name = /^[^\s/>]+/.exec(tag)?.[0] ?? '';
      const selfClosing = tag.endsWith('/');
      if (depth === 0) {
        if (selfClosing)
          children.push({ name, start: lt, openEnd: gt + 1, closeStart: gt + 1, end: gt + 1, selfClosing });
        else current = { name, start: lt, openEnd: gt + 1, selfClosing };
      }
      if (!selfClosing) depth++;
    }
    i = gt + 1;
  }
  return children;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** An element's text, CDATA unwrapped and entities decoded. */
export function textOf(xml: string, span: Span): string {
  const raw = xml.slice(span.openEnd, span.closeStart);
  const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(raw);
  if (cdata) return cdata[1] ?? '';
  return raw.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e] ?? '');
}

export const escapeXml = (text: string) =>
  text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

/** The whitespace before the element on its own line: what its siblings are indented with. */
export function indentOf(xml: string, span: Span): string {
  const lineStart = xml.lastIndexOf('\n', span.start) + 1;
  const before = xml.slice(lineStart, span.start);
  return /^[\t ]*$/.test(before) ? before : '';
}
