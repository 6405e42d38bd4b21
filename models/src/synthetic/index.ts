export { makeScene, type Scene, type SceneBottle, type SceneOptions, type Split } from './scene.js';
export { renderScene, type BottleTruth, type RenderedScene } from './render.js';
export { BOTTLE_KINDS, type BottleKind } from './kinds.js';
export { writeCocoDataset, type CocoDatasetOptions } from './dataset.js';
export { shelfVideo, renderShelfVideoFrames, type ShelfVideoOptions, type VideoFrame, type VideoFrameTruth } from './video.js';
export { renderWideScene } from './wide.js';
