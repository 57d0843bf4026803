export * from './retrieval-request';
export * from './retrieval-request.repository';
export * from './retrieval-schedule';
export * from './retrieval-status';
export * from './retrieval.errors';
export * from './retrieval.events';
