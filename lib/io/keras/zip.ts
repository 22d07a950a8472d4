// The zip container of a .keras file, through fflate (small, no dependencies, sync and async). Reading
// walks the central directory itself first: every offset and size is checked against the real length
// before anything is inflated (a forged directory cannot make it loop or allocate), and each entry's
// CRC-32 is checked after, as Python's zipfile does (fflate does not).
import { inflateSync, zipSync } from 'fflate';
import { crc32 } from 'node:zlib';

/** Entries are written uncompressed (ZIP_STORED), as Keras's zipfile.ZipFile(f, "w") does. */
export function writeZip(entries: [string, Uint8Array][]): Uint8Array {
  return zipSync(Object.fromEntries(entries.map(([name, data]) => [name, [data, { level: 0 }]])));
}

/**
 * The entries of a zip archive named in `wanted`, each refused above its size there before it is inflated (absent
 * ones are missing from the map); throws a plain Error on damage.
 */
export function readZip(bytes: Uint8Array, wanted: Readonly<Record<string, number>>): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  let eocd = -1;
  for (let e = bytes.length - 22; e >= 0 && e >= bytes.length - 22 - 0xffff; e--)
    if (u32(e) === 0x06054b50) {
      eocd = e;
      break;
    }
  if (eocd < 0) throw new Error('the zip has no end-of-central-directory record (truncated or not a zip)');
  const count = u16(eocd + 10);
  const cdSize = u32(eocd + 12);
  const cdStart = u32(eocd + 16);
  if (count === 0xffff || cdStart === 0xffffffff) throw new Error('ZIP64 archives are not supported');
  if (cdStart + cdSize > eocd || count * 46 > cdSize)
    throw new Error('the zip central directory lies outside the file (truncated?)');
  const out = new Map<string, Uint8Array>();
  for (let i = 0, at = cdStart; i < count; i++) {
    if (at + 46 > cdStart + cdSize || u32(at) !== 0x02014b50) throw new Error(`zip directory entry ${i} is damaged`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    const size = u32(at + 20);
    const originalSize = u32(at + 24);
    const nameLength = u16(at + 28);
    const next = at + 46 + nameLength + u16(at + 30) + u16(at + 32);
    const local = u32(at + 42);
    if (next > cdStart + cdSize) throw new Error(`zip directory entry ${i} runs past the directory`);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at = next;
    if (!Object.hasOwn(wanted, name) || out.has(name)) continue;
    if (flags & 1) throw new Error(`zip entry ${name} is encrypted`);
    if (local + 30 > cdStart || u32(local) !== 0x04034b50)
      throw new Error(`zip entry ${name}: its local header is damaged`);
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    if (start + size > cdStart) throw new Error(`zip entry ${name} runs past the end of the data (truncated?)`);
    if (originalSize > wanted[name]!)
      throw new Error(
        `zip entry ${name} declares ${originalSize} bytes, more than a model file holds (${wanted[name]})`,
      );
    const raw = bytes.subarray(start, start + size);
    let data: Uint8Array;
    if (method === 0) {
      if (size !== originalSize) throw new Error(`zip entry ${name}: stored sizes disagree`);
      data = raw.slice();
    } else if (method === 8) {
      data = inflateSync(raw, { out: new Uint8Array(originalSize) });
      if (data.length !== originalSize)
        throw new Error(`zip entry ${name} inflates to ${data.length} bytes, not ${originalSize}`);
    } else throw new Error(`zip entry ${name} uses compression method ${method} (only stored and deflate are read)`);
    if (crc32(data) !== crc) throw new Error(`zip entry ${name} fails its CRC-32 check: the file is corrupted`);
    out.set(name, data);
  }
  return out;
}
