// A tiny SVG builder: elements as strings, every attribute and text escaped, so any label is safe to draw.

export type Attrs = Record<string, string | number | undefined>;

export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Numbers are written with at most 2 decimals: enough for pixels, and keeps files small. */
function fmt(v: string | number): string {
  return typeof v === 'number' ? String(Math.round(v * 100) / 100) : escapeXml(v);
}

function attrs(a: Attrs): string {
  let s = '';
  for (const [k, v] of Object.entries(a)) if (v !== undefined) s += ` ${k}="${fmt(v)}"`;
  return s;
}

export function el(name: string, a: Attrs = {}, children?: string | string[]): string {
  if (children === undefined) return `<${name}${attrs(a)}/>`;
  const inner = Array.isArray(children) ? children.join('') : children;
  return `<${name}${attrs(a)}>${inner}</${name}>`;
}

export interface TextOptions {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'normal' | 'bold';
  fill?: string;
  rotate?: number;
  /** Vertical alignment: 'middle' centres the text on y (SVG's baseline is the default). */
  baseline?: 'auto' | 'middle' | 'hanging';
}

export function text(x: number, y: number, content: string, o: TextOptions = {}): string {
  const size = o.size ?? 12;
  // dominant-baseline is not honoured everywhere, so shift by a fraction of the font size instead.
  const dy = o.baseline === 'middle' ? size * 0.35 : o.baseline === 'hanging' ? size * 0.8 : 0;
  return el(
    'text',
    {
      x,
      y: y + dy,
      'font-size': size,
      'font-family': FONT,
      'text-anchor': o.anchor ?? 'start',
      'font-weight': o.weight === 'bold' ? 'bold' : undefined,
      fill: o.fill ?? '#222',
      transform: o.rotate ? `rotate(${o.rotate} ${x} ${y})` : undefined,
    },
    escapeXml(content),
  );
}

/** A whole document with a white background (PNG viewers would otherwise show transparency). */
export function document(width: number, height: number, body: string[], title?: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" ` +
    `viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}">` +
    (title ? el('title', {}, escapeXml(title)) : '') +
    el('rect', { x: 0, y: 0, width: Math.ceil(width), height: Math.ceil(height), fill: '#ffffff' }) +
    body.join('') +
    '</svg>\n'
  );
}

/** Rough width of a string in a sans-serif font, for layout (no font metrics are available). */
export function textWidth(s: string, size = 12): number {
  let w = 0;
  for (const ch of s) w += /[ilj.,:;'|!()[\] ]/.test(ch) ? 0.32 : /[A-Z@%&MWmw]/.test(ch) ? 0.8 : 0.6;
  return w * size;
}
