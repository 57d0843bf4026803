export * from './contract';
export * from './errors';
export * from './meter';
export * from './options';
export * from './plugin';
export * from './ranges';
export * from './version';
