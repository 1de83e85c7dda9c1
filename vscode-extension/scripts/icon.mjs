// Draws the extension's icon, images/icon.png (128x128): a ship's wheel, the coxswain's, on a rounded navy square.
// No image library: shapes as distance tests, 4x4 samples a pixel, written as an RGBA PNG with node's zlib.
// usage: node scripts/icon.mjs   (the PNG is committed; run again only to change it)
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const C = SIZE / 2;
const NAVY = [0x1d, 0x35, 0x57];
const GOLD = [0xf2, 0xb6, 0x32];

const len = (x, y) => Math.hypot(x, y);
/** Inside the square with rounded corners that fills the icon. */
function background(x, y) {
  const r = 24;
  const qx = Math.max(Math.abs(x - C) - (C - r), 0);
  const qy = Math.max(Math.abs(y - C) - (C - r), 0);
  return len(qx, qy) <= r;
}
/** Distance from (x, y) to the segment a-b. */
function segment(x, y, ax, ay, bx, by) {
  const px = x - ax;
  const py = y - ay;
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, (px * dx + py * dy) / (dx * dx + dy * dy)));
  return len(px - t * dx, py - t * dy);
}
/** The wheel: rim, hub with its axle hole, eight spokes running out into handles. */
function wheel(x, y) {
  const d = len(x - C, y - C);
  if (d <= 5) {
    return false; // the axle
  }
  if (d <= 12 || Math.abs(d - 36) <= 5) {
    return true; // hub, rim
  }
  for (let i = 0; i < 8; i++) {
    const a = (i * Math.PI) / 4 + Math.PI / 8;
    const cos = Math.cos(a);
    const sin = Math.sin(a);
    if (segment(x, y, C + 10 * cos, C + 10 * sin, C + 40 * cos, C + 40 * sin) <= 3) {
      return true; // spoke
    }
    if (segment(x, y, C + 44 * cos, C + 44 * sin, C + 54 * cos, C + 54 * sin) <= 5) {
      return true; // handle
    }
  }
  return false;
}

const N = 4;
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE; x++) {
    let bg = 0;
    let fg = 0;
    for (let sy = 0; sy < N; sy++) {
      for (let sx = 0; sx < N; sx++) {
        const px = x + (sx + 0.5) / N;
        const py = y + (sy + 0.5) / N;
        if (background(px, py)) {
          bg++;
          if (wheel(px, py)) {
            fg++;
          }
        }
      }
    }
    const alpha = bg / (N * N);
    const gold = bg === 0 ? 0 : fg / bg;
    const o = y * (SIZE * 4 + 1) + 1 + x * 4;
    for (let c = 0; c < 3; c++) {
      raw[o + c] = Math.round(NAVY[c] * (1 - gold) + GOLD[c] * gold);
    }
    raw[o + 3] = Math.round(alpha * 255);
  }
}

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) {
    c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bits per channel
header[9] = 6; // RGBA
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
const file = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'images', 'icon.png');
writeFileSync(file, png);
console.log(`${file}: ${png.length} bytes`);
