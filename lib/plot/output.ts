// Writing pictures: SVG as text, PNG through resvg, which is loaded only when a PNG is asked for, so a
// platform without its prebuilt binary loses PNG output and nothing else.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { given } from '../names.js';

export interface PlotFileOptions {
  /** Where to write the picture: `.svg` writes the SVG text, `.png` renders it. */
  toFile?: string;
  /** PNG only: pixels per SVG unit (default 2, sharp on high-density screens). */
  scale?: number;
}

interface ResvgModule {
  Resvg: new (svg: string, options?: object) => { render(): { asPng(): Buffer } };
}

let resvg: ResvgModule | undefined;

function loadResvg(): ResvgModule {
  if (resvg) return resvg;
  try {
    resvg = createRequire(import.meta.url)('@resvg/resvg-js') as ResvgModule;
    return resvg;
  } catch (e) {
    throw new Error(
      `PNG output needs @resvg/resvg-js and its binary for ${process.platform}-${process.arch}, which did not load ` +
        `(${(e as Error).message.split('\n')[0]}); write .svg instead, or reinstall with optional dependencies`,
    );
  }
}

/** Renders an SVG document to PNG bytes. */
export function svgToPng(svg: string, scale = 2): Buffer {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`scale must be a positive number, got ${scale}`);
  const { Resvg } = loadResvg();
  const width = Number(/width="(\d+)"/.exec(svg)?.[1] ?? 0);
  const fitTo = width > 0 ? { mode: 'width', value: Math.round(width * scale) } : { mode: 'original' };
  return new Resvg(svg, { fitTo, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
}

/** Writes `svg` where `toFile` says (if it does) and returns the SVG text. */
export function writePicture(svg: string, options: PlotFileOptions): string {
  const file = options.toFile;
  if (file === undefined) return svg;
  if (typeof file !== 'string' || file === '') throw new TypeError(`toFile must be a file path, got ${given(file)}`);
  const ext = extname(file).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new Error(`toFile must end in .svg or .png, got "${file}"`);
  const bytes = ext === '.png' ? svgToPng(svg, options.scale) : svg;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return svg;
}
