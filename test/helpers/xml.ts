// A small XML well-formedness check for the SVG tests: balanced tags, quoted unique attributes, escaped
// text. Returns the elements found, so tests can count marks by name and class.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*$/;

export function parseXml(src: string): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: XmlElement[] = [];
  let i = 0;
  let roots = 0;
  const fail = (msg: string): never => {
    throw new Error(`not well-formed XML at offset ${i}: ${msg} (…${src.slice(Math.max(0, i - 40), i + 40)}…)`);
  };
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const chunk = src.slice(i, lt < 0 ? src.length : lt);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(chunk)) fail('unescaped &');
    if (chunk.includes('>')) fail('stray >');
    if (chunk.trim() !== '') {
      if (stack.length === 0) fail('text outside the root element');
      stack[stack.length - 1]!.text += chunk;
    }
    if (lt < 0) break;
    i = lt;
    const gt = src.indexOf('>', i);
    if (gt < 0) fail('unterminated tag');
    const tag = src.slice(i + 1, gt);
    if (tag.startsWith('?') || tag.startsWith('!--')) {
      i = gt + 1;
      continue;
    }
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (!open || open.name !== name) fail(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      i = gt + 1;
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([^\s]+)([\s\S]*)$/.exec(body);
    if (!m || !NAME.test(m[1]!)) fail(`bad element name in <${tag}>`);
    const attrs: Record<string, string> = {};
    let rest = m![2]!;
    const attrRe = /^\s+([A-Za-z_][\w.:-]*)="([^"<]*)"/;
    while (rest.trim() !== '') {
      const a = attrRe.exec(rest);
      if (!a) fail(`bad attribute syntax in <${m![1]}${m![2]}>`);
      if (a![1]! in attrs) fail(`duplicate attribute ${a![1]}`);
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(a![2]!)) fail('unescaped & in attribute');
      attrs[a![1]!] = a![2]!;
      rest = rest.slice(a![0].length);
    }
    const e: XmlElement = { name: m![1]!, attrs, text: '' };
    if (stack.length === 0) {
      roots++;
      if (roots > 1) fail('more than one root element');
    }
    out.push(e);
    if (!selfClosing) stack.push(e);
    i = gt + 1;
  }
  if (stack.length) throw new Error(`not well-formed XML: <${stack[stack.length - 1]!.name}> is never closed`);
  if (roots !== 1) throw new Error('not well-formed XML: no root element');
  return out;
}

export const byClass = (els: XmlElement[], cls: string) =>
  els.filter((e) => (e.attrs.class ?? '').split(' ').includes(cls));
export const texts = (els: XmlElement[]) => els.filter((e) => e.name === 'text').map((e) => unescapeXml(e.text));

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Width, height and whether the pixels differ, from a PNG's bytes (decoded with node:zlib). */
export async function pngInfo(bytes: Uint8Array): Promise<{ width: number; height: number; distinctColours: number }> {
  const { inflateSync } = await import('node:zlib');
  const b = Buffer.from(bytes);
  if (b.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG signature');
  if (b.subarray(12, 16).toString('latin1') !== 'IHDR') throw new Error('PNG does not start with IHDR');
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  const depth = b[24]!;
  const colourType = b[25]!;
  const idat: Buffer[] = [];
  for (let p = 8; p < b.length; ) {
    const len = b.readUInt32BE(p);
    const type = b.subarray(p + 4, p + 8).toString('latin1');
    if (type === 'IDAT') idat.push(b.subarray(p + 8, p + 8 + len));
    p += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colourType];
  if (depth !== 8 || !channels) throw new Error(`unexpected PNG format: depth ${depth}, colour type ${colourType}`);
  const stride = width * channels;
  if (raw.length !== height * (stride + 1))
    throw new Error(`PNG data is ${raw.length} bytes, expected ${height * (stride + 1)}`);
  // Undo the per-row filters to read the real pixels.
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const r = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? px[y * stride + x - channels]! : 0;
      const up = y > 0 ? px[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels]! : 0;
      const pa = Math.abs(up - c),
        pb = Math.abs(a - c),
        pc = Math.abs(a + up - 2 * c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      px[y * stride + x] = (r + [0, a, up, (a + up) >> 1, paeth][f]!) & 255;
    }
  }
  const colours = new Set<number>();
  for (let p = 0; p < px.length && colours.size < 1000; p += channels)
    colours.add(px.readUIntBE(p, Math.min(channels, 4)));
  return { width, height, distinctColours: colours.size };
}
