export * from './live-event-id';
export * from './live-event-streams';
export * from './live-events.subscriber';
