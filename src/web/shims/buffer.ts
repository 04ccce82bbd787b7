// The browser's stand-in for the few Node Buffer calls in src/io/colormap.ts (injected by
// src/backends/browser/bundle.ts): Buffer.from(arrayBuffer, offset, length) and toString('base64').

export class Bytes extends Uint8Array {
  override toString(encoding?: string): string {
    if (encoding !== 'base64') return new TextDecoder().decode(this);
    let s = '';
    for (let i = 0; i < this.length; i += 0x8000) s += String.fromCharCode(...this.subarray(i, i + 0x8000));
    return btoa(s);
  }
}

export const Buffer = {
  from(data: ArrayBuffer | ArrayLike<number>, byteOffset = 0, length?: number): Bytes {
    if (data instanceof ArrayBuffer) return new Bytes(data, byteOffset, length ?? data.byteLength - byteOffset);
    const b = new Bytes(data.length);
    b.set(data);
    return b;
  },
};
