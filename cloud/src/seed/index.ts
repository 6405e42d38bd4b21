export { DEMO_ITEMS, seedDemo, seedOwner, type DemoSeed, type OwnerSeed, type SeededOwner } from './seed.service.js';
