/**
 * Splits a stream of concatenated JPEGs (ffmpeg `-f image2pipe -c:v mjpeg`) into separate images.
 * Pure and incremental: push chunks as they arrive, get finished images back. An image runs from SOI
 * (FF D8) to the first EOI (FF D9) after it: inside entropy-coded data a 0xFF byte is always followed by
 * 0x00 or a restart marker, and ffmpeg writes no embedded (EXIF) thumbnails, so FF D9 cannot occur early.
 */
export class JpegSplitter {
  private buf: Buffer = Buffer.alloc(0);
  private inImage = false;
  private scanFrom = 0;

  push(chunk: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    for (;;) {
      if (!this.inImage) {
        const soi = findMarker(this.buf, 0xd8, 0);
        if (soi < 0) {
          const last = this.buf[this.buf.length - 1];
          this.buf = last === 0xff ? Buffer.from([0xff]) : Buffer.alloc(0);
          return out;
        }
        this.buf = this.buf.subarray(soi);
        this.inImage = true;
        this.scanFrom = 2;
      }
      const eoi = findMarker(this.buf, 0xd9, this.scanFrom);
      if (eoi < 0) {
        this.scanFrom = Math.max(2, this.buf.length - 1);
        return out;
      }
      out.push(Buffer.from(this.buf.subarray(0, eoi + 2)));
      this.buf = this.buf.subarray(eoi + 2);
      this.inImage = false;
    }
  }

  /** Bytes of an image begun but not finished (non-zero at the end of a stream: the last image was cut off). */
  get incompleteBytes(): number {
    return this.inImage ? this.buf.length : 0;
  }
}

function findMarker(data: Uint8Array, marker: number, from: number): number {
  for (let i = from; i + 1 < data.length; i++) if (data[i] === 0xff && data[i + 1] === marker) return i;
  return -1;
}
