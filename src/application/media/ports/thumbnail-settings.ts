/** Where renditions are stored (THUMBNAIL_PROVIDER), and the deployment's default provider. */
export interface ThumbnailSettings {
  /** Set: renditions go there whenever it reads instantly. */
  provider?: string;
  defaultProvider: string;
}
export const THUMBNAIL_SETTINGS = Symbol('ThumbnailSettings');
