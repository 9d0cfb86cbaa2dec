/**
 * Draws the app icons from one SVG with headless Chromium and writes public/icons/*.png.
 * Run: npx tsx e2e/tools/icons.ts  (the PNGs are committed; run again only when the design changes).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../../playwright.config.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(root, 'public/icons');

/** A "P" whose bowl reads as a passage, underlined by a highlighter stroke (the <mark> of a result). */
function glyph(scale: number): string {
  return `<g transform="translate(256 256) scale(${scale}) translate(-256 -256)">
    <path d="M172 352 V128 H268 A72 72 0 0 1 268 272 H172" fill="none" stroke="#ffffff" stroke-width="48"
      stroke-linecap="round" stroke-linejoin="round"/>
    <rect x="144" y="388" width="224" height="36" rx="18" fill="#fde68a"/>
  </g>`;
}

function svg(maskable: boolean): string {
  // Maskable icons are cropped to a circle of 40% radius by some launchers: full-bleed background, smaller glyph.
  const background = maskable
    ? '<rect width="512" height="512" fill="#1d4ed8"/>'
    : '<rect width="512" height="512" rx="112" fill="#1d4ed8"/>';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">${background}${glyph(maskable ? 0.82 : 1)}</svg>`;
}

const icons = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
];

mkdirSync(out, { recursive: true });
const browser = await chromium.launch(chromiumLaunch);
try {
  for (const icon of icons) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    const image = svg(icon.maskable).replace('width="512" height="512"', `width="${icon.size}" height="${icon.size}"`);
    await page.setContent(`<html><body style="margin:0;background:transparent">${image}</body></html>`);
    await page.screenshot({ path: path.join(out, icon.file), omitBackground: true });
    await page.close();
    console.log(`wrote public/icons/${icon.file}`);
  }
} finally {
  await browser.close();
}
