export * from './media.errors';
export * from './rendition';
export * from './rendition.repository';
