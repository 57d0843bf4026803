export * from './aggregate-root';
export * from './domain-event';
export * from './domain-error';
export * from './domain-event-registry';
export * from './uuid';
export * from './text';
export * from './instant';
