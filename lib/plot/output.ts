// Writing pictures: SVG as text, PNG through resvg, which is loaded only when a PNG is asked for, so a
// platform without its prebuilt binary loses PNG output and nothing else.
import { createRequire } from 'node:module';
import { dirname, extname } from 'node:path';
import { writeFileAtomicSync } from '../io/atomic-write.js';
import { given } from '../names.js';
import { makeFolderSync } from '../io/folders.js';

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

/** The largest PNG svgToPng renders (a 10000 x 10000 picture; the charts here are under 2 megapixels). */
const MAX_PNG_PIXELS = 100e6;

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
  if (typeof svg !== 'string') throw new TypeError(`svgToPng: svg must be SVG text, got ${given(svg)}`);
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new RangeError(`svgToPng: scale must be a positive number, got ${given(scale)}`);
  const width = Number(/width="(\d+)"/.exec(svg)?.[1] ?? 0);
  const height = Number(/height="(\d+)"/.exec(svg)?.[1] ?? 0);
  // resvg allocates the whole bitmap first: a 200000-pixel-wide picture ran for minutes, then ran out of memory.
  const pixels = Math.round(width * scale) * Math.round(height * scale);
  if (pixels > MAX_PNG_PIXELS)
    throw new RangeError(
      `svgToPng: a ${Math.round(width * scale)} x ${Math.round(height * scale)} PNG is more than ` +
        `${MAX_PNG_PIXELS / 1e6} megapixels; lower scale or the SVG's size`,
    );
  const { Resvg } = loadResvg();
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
  makeFolderSync(dirname(file));
  writeFileAtomicSync(file, bytes);
  return svg;
}
