export * from './delivery-verdict';
export * from './webhook-endpoint';
export * from './webhook-endpoint.repository';
export * from './webhook-event-types';
export * from './webhook-secret';
export * from './webhook-url';
export * from './webhook.errors';
