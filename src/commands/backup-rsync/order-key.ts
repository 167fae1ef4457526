/**
 * A string that GNU sort, comparing bytes in the C locale, orders as JavaScript's `<` orders
 * the names: manifest order is UTF-16 code-unit order, and UTF-8 bytes order by code point,
 * which differs where a surrogate meets U+E000..U+FFFF. Printable ASCII stands for itself;
 * control characters (a tab, a newline) become \x01 and one character below the printable
 * range; everything from U+007F becomes \x7F and three fixed-width base-64 digits above it.
 * The key is ASCII without tabs or newlines, so it can lead a line, cut off by a tab.
 */
export function orderKey(name: string): string {
  if (PRINTABLE.test(name)) return name;
  let key = '';
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (unit >= 0x20 && unit < 0x7f) key += name[i];
    else if (unit < 0x20) key += `\x01${String.fromCharCode(0x40 + unit)}`;
    else {
      const above = unit - 0x7f;
      key += `\x7f${String.fromCharCode(0x30 + (above >> 12), 0x30 + ((above >> 6) & 63), 0x30 + (above & 63))}`;
    }
  }
  return key;
}

const PRINTABLE = /^[\x20-\x7e]*$/;
