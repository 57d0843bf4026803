export * from './clock';
export * from './id-generator';
export * from './storage-provider-registry';
export * from './upload-policy';
