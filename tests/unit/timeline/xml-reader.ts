/**
 * A small XML reader for the tests (elements, attributes, the five predefined entities and numeric
 * references; a prolog of `<?xml …?>` and `<!DOCTYPE …>`). Strict: unbalanced tags, duplicate
 * attributes and stray text between elements are errors. Enough to read back the FCPXML we write
 * without sharing any code with the writer; `xmllint` checks well-formedness independently.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]!;
  });
}

export function readXml(text: string): { doctype: string | null; root: XmlElement } {
  let i = 0;
  let doctype: string | null = null;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  skipSpace();
  if (text.startsWith('<?xml', i)) i = text.indexOf('?>', i) + 2;
  skipSpace();
  if (text.startsWith('<!DOCTYPE', i)) {
    const end = text.indexOf('>', i);
    doctype = text.slice(i + 9, end).trim();
    i = end + 1;
  }
  skipSpace();
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const TAG = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/y;
  const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*"([^"<]*)"/g;
  while (i < text.length) {
    if (text[i] !== '<') {
      const next = text.indexOf('<', i);
      const chunk = text.slice(i, next < 0 ? text.length : next);
      if (chunk.trim() !== '') {
        if (stack.length === 0) throw new Error(`text outside the root element at ${i}`);
        stack[stack.length - 1]!.text += decode(chunk);
      }
      i = next < 0 ? text.length : next;
      continue;
    }
    TAG.lastIndex = i;
    const m = TAG.exec(text);
    if (!m) throw new Error(`not a tag at ${i}: ${text.slice(i, i + 40)}`);
    i = TAG.lastIndex;
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(ATTR)) {
      if (a[1]! in attrs) throw new Error(`<${name}> repeats attribute ${a[1]}`);
      attrs[a[1]!] = decode(a[2]!);
    }
    const el: XmlElement = { name: name!, attrs, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
    else if (root) throw new Error('a second root element');
    else root = el;
    if (!selfClose) stack.push(el);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (!root) throw new Error('no root element');
  return { doctype, root };
}
