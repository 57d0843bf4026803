export * from './upload-session';
export * from './upload-session-status';
export * from './upload-session.errors';
export * from './upload-session.events';
export * from './upload-session.repository';
export * from './upload-target';
