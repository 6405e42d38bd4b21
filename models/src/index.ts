export * from './types.js';
export { loadBottleVision, loadDetector, loadFill, DEFAULT_MODEL_DIR } from './vision/bottle-vision.js';
export { assignToSlots, pointInPolygon, unitsOf, DEFAULT_FULL_ABOVE, type SlotShape } from './vision/slots.js';
export { decodeYolo, nms, iou, type Candidate } from './vision/decode.js';
export { readDetectorMetadata, readFillMetadata, type DetectorMetadata, type FillMetadata } from './vision/metadata.js';
export { decodeImage, letterbox, letterboxGeometry, cropInto, type Letterbox, type RgbImage } from './vision/preprocess.js';
export * from './synthetic/index.js';
export { type CorrectionExportLine, parseCorrectionLine } from './corrections/format.js';
export { writeLabelledSet, type WrittenSet } from './corrections/writer.js';
