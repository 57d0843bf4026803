export * from './webhook-delivery-log';
export * from './webhook-dispatch';
export * from './webhook-sender';
export * from './webhook-settings';
export * from './webhook-targets';
