// Reads a barcode from a video frame: the browser's BarcodeDetector where it has one,
// otherwise zxing-wasm, loaded only when first needed (never part of the first load)
// and with its .wasm served by us, not fetched from a CDN.

export interface FrameReader {
  read(source: HTMLVideoElement): Promise<string | undefined>;
}

const FORMATS = ['ean_13', 'ean_8', 'upc_a', 'upc_e', 'code_128', 'code_39', 'qr_code'];

interface DetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type DetectorCtor = (new (o?: { formats?: string[] }) => DetectorLike) & { getSupportedFormats?: () => Promise<string[]> };

export async function createFrameReader(): Promise<FrameReader> {
  const Native = (globalThis as { BarcodeDetector?: DetectorCtor }).BarcodeDetector;
  if (Native) {
    const supported = (await Native.getSupportedFormats?.()) ?? FORMATS;
    const formats = FORMATS.filter((f) => supported.includes(f));
    if (formats.length) {
      const d = new Native({ formats });
      return { read: async (v) => (await d.detect(v))[0]?.rawValue };
    }
  }
  const [{ prepareZXingModule, readBarcodes }, { default: wasmUrl }] = await Promise.all([
    import('zxing-wasm/reader'),
    import('zxing-wasm/reader/zxing_reader.wasm?url'),
  ]);
  prepareZXingModule({ overrides: { locateFile: (p: string, prefix: string) => (p.endsWith('.wasm') ? wasmUrl : prefix + p) } });
  const canvas = document.createElement('canvas');
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  return {
    async read(v) {
      if (!v.videoWidth) return undefined;
      canvas.width = v.videoWidth;
      canvas.height = v.videoHeight;
      g.drawImage(v, 0, 0);
      const r = await readBarcodes(g.getImageData(0, 0, canvas.width, canvas.height), { tryHarder: true, maxNumberOfSymbols: 1 });
      return r.find((x) => x.isValid)?.text;
    },
  };
}
