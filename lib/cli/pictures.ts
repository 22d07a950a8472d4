// Where the CLI puts its pictures: PNG when the rasterizer loads, else SVG (so a platform without
// resvg's binary still gets every picture).
import { svgToPng } from '../plot/output.js';

let pngWorks: boolean | undefined;

/** 'png' when PNG output works here, else 'svg'. */
export function pictureFormat(requested?: 'png' | 'svg'): 'png' | 'svg' {
  if (requested === 'svg') return 'svg';
  if (pngWorks === undefined) {
    try {
      svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>', 1);
      pngWorks = true;
    } catch {
      pngWorks = false;
    }
  }
  return pngWorks ? 'png' : 'svg';
}
