/** Reads QR codes out of the PNGs the bot sends, so tests can check the code says what the button does. */
import jsQRModule from "jsqr";
import { PNG } from "pngjs";

/** jsqr is CommonJS with a `default` in its typings only; take whichever the loader gives. */
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ??
  jsQRModule) as typeof jsQRModule.default;

/** The text encoded in a PNG's QR code, or undefined when no code is found. */
export function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(Uint8ClampedArray.from(image.data), image.width, image.height)?.data;
}
