export * from './storage-provider';
export * from './storage-provider-selector';
export * from './storage.errors';
