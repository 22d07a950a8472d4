// Keras-style checkpoint paths: 'ckpt-{epoch:02d}-{val_loss:.4f}.myelin' (Python format-spec subset:
// zero fill, width, precision, d/f/e/g/% types).

const FIELD = /\{(\w+)(?::([^}]*))?\}/g;
const SPEC = /^(0)?(\d+)?(?:\.(\d+))?([dfeg%])?$/;

/** Fills `{name}` / `{name:spec}` from values; unknown names are an error listing what exists. */
export function formatFilepath(template: string, values: Record<string, number>): string {
  return template.replace(FIELD, (_, name: string, spec: string | undefined) => {
    const v = values[name];
    if (v === undefined)
      throw new Error(
        `filepath ${JSON.stringify(template)} uses {${name}}, which is not available; available: ${Object.keys(values)
          .map((k) => `{${k}}`)
          .join(', ')}`,
      );
    return formatValue(v, spec ?? '', template);
  });
}

/** Throws when a template's specs are malformed, so a checkpoint fails at construction, not at epoch 40. */
export function checkFilepathTemplate(template: string): string[] {
  const names: string[] = [];
  for (const m of template.matchAll(FIELD)) {
    formatValue(0, m[2] ?? '', template);
    names.push(m[1]!);
  }
  return names;
}

function formatValue(v: number, spec: string, template: string): string {
  const m = SPEC.exec(spec);
  if (!m)
    throw new Error(
      `filepath ${JSON.stringify(template)}: unsupported format spec ":${spec}" (use e.g. :02d, :.4f, :.2e)`,
    );
  const [, zero, width, precision, type] = m;
  const p = precision === undefined ? undefined : Number(precision);
  let s: string;
  switch (type) {
    case 'd':
      s = String(Math.round(v));
      break;
    case 'f':
      s = v.toFixed(p ?? 6);
      break;
    case 'e':
      s = v.toExponential(p ?? 6).replace(/e([+-])(\d)$/, 'e$10$2'); // Python prints at least two exponent digits
      break;
    case 'g':
      s = String(Number(v.toPrecision(p || 6)));
      break;
    case '%':
      s = `${(v * 100).toFixed(p ?? 6)}%`;
      break;
    default:
      s = p === undefined ? String(v) : String(Number(v.toPrecision(p || 1)));
  }
  const w = width === undefined ? 0 : Number(width);
  if (s.length >= w) return s;
  if (zero) {
    const neg = s.startsWith('-');
    return (neg ? '-' : '') + (neg ? s.slice(1) : s).padStart(w - (neg ? 1 : 0), '0');
  }
  return s.padStart(w);
}
