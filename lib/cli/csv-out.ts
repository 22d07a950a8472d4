// Writing CSV: fields quoted only when they must be (RFC 4180), so names with commas or quotes survive.
// Text that a spreadsheet would run as a formula (starting with = + - @ tab or CR) gets a leading
// apostrophe, as OWASP advises against CSV injection; NUL bytes become U+FFFD.

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A text cell made safe to open in a spreadsheet (numbers such as "-1.5" stay as they are). */
export function neutralizeCell(s: string): string {
  const t = s.includes('\0') ? s.replace(/\0/g, '\uFFFD') : s;
  return FORMULA_START.test(t) && !PLAIN_NUMBER.test(t) ? `'${t}` : t;
}

export function csvField(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : neutralizeCell(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}
