export * from './sources.js';
export * from './inventory.js';
export * from './sync.js';
export * from './access.js';
export * from './governance.js';
export * from './audit.js';
