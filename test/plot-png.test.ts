import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plotConfusionMatrix, plotHistory, svgToPng } from '../lib/index.js';
import { parseXml, pngInfo } from './helpers/xml.js';

const dir = mkdtempSync(join(tmpdir(), 'myelin-plot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('picture files', () => {
  it('writes PNG at twice the SVG size, decodable and not blank', async () => {
    const file = join(dir, 'sub', 'cm.png');
    const svg = plotConfusionMatrix(
      [
        [40, 2],
        [3, 55],
      ],
      { toFile: file, labels: ['no', 'yes'] },
    );
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    const info = await pngInfo(readFileSync(file));
    expect(info.width).toBe(width * 2);
    expect(info.height).toBe(height * 2);
    expect(info.distinctColours).toBeGreaterThan(10);
  });

  it('writes SVG text as is for .svg, and refuses other extensions', () => {
    const file = join(dir, 'h.svg');
    const svg = plotHistory({ loss: [1, 0.5, 0.2] }, { toFile: file });
    expect(readFileSync(file, 'utf8')).toBe(svg);
    parseXml(svg);
    expect(() => plotHistory({ loss: [1] }, { toFile: join(dir, 'h.jpg') })).toThrow(
      /must end in \.svg or \.png, got ".*h\.jpg"/,
    );
  });

  it('renders at a chosen scale', async () => {
    const svg = plotHistory({ loss: [1, 0.5] });
    const info = await pngInfo(svgToPng(svg, 1));
    expect(info.width).toBe(Number(/width="(\d+)"/.exec(svg)![1]));
  });
});
