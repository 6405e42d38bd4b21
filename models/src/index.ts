export * from './types.js';
export {
  loadBottleVision,
  loadDetector,
  loadFill,
  readFills,
  detectTiled,
  detectorInput,
  fillFolderFor,
  DEFAULT_MODEL_DIR,
  PEOPLE_IN_FRONT_THRESHOLD,
} from './vision/bottle-vision.js';
export {
  autoTiles,
  tilesOf,
  tilePlanFromText,
  TILE_PLAN_TEXT,
  TILE_PLAN_TEXT_RULE,
  AUTO_TILE_MAX_SIDE,
  type TileGrid,
  type TilePlan,
} from './vision/tiles.js';
export {
  loadPeopleFinder,
  DEFAULT_PEOPLE_MODEL,
  DEFAULT_PEOPLE_THRESHOLD,
  type PeopleFinder,
  type PeopleFinderOptions,
  type PersonBox,
} from './vision/people.js';
export {
  assignToSlots,
  pointInPolygon,
  slotCovered,
  slotsHiddenByPeople,
  PERSON_COVER,
  unitsOf,
  DEFAULT_FULL_ABOVE,
  type SlotShape,
} from './vision/slots.js';
export { decodeYolo, decodeYolox, decodeDetections, yoloxRows, YOLOX_STRIDES, nms, iou, type Candidate } from './vision/decode.js';
export {
  readDetectorMetadata,
  readFillMetadata,
  DETECTOR_FORMATS,
  type DetectorFormat,
  type DetectorMetadata,
  type FillMetadata,
} from './vision/metadata.js';
export { readOnnxMetadata, parseOnnxMetadata } from './vision/onnx-metadata.js';
export {
  yoloxDetectorMetadata,
  readOnnxShapes,
  looksLikeYolox,
  COCO_CLASSES,
  type OnnxShapes,
  type YoloxImportOptions,
} from './vision/yolox-import.js';
export { yoloDetectorMetadata, parseYoloNames, parseYoloImgsz, type YoloImportOptions } from './vision/yolo-import.js';
export {
  decodeImage,
  letterbox,
  letterboxGeometry,
  YOLO_STYLE,
  YOLOX_STYLE,
  type Letterbox,
  type LetterboxStyle,
  type RgbImage,
} from './vision/preprocess.js';
export { cropInto } from './vision/crop.js';
export { headerSize, type HeaderSize } from './vision/image-size.js';
export * from './synthetic/index.js';
export { type CorrectionExportLine, parseCorrectionLine } from './corrections/format.js';
export { writeLabelledSet, type WrittenSet } from './corrections/writer.js';
export { exportCorrections, type ExportOptions } from './corrections/export-command.js';
export { detectFolder, DetectUsageError, type DetectOptions, type DetectReport, type CocoResult, type CocoScore } from './detect/detect.js';
