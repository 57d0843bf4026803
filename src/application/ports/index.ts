export * from './clock';
export * from './id-generator';
export * from './storage-provider-registry';
export * from './upload-policy';
export * from './upload-lock';
export * from './upload-settings';
export * from './upload-staging';
