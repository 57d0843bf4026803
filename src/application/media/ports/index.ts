export * from './image-renderer';
export * from './media-jobs';
export * from './thumbnail-settings';
export * from './media-url-signer';
