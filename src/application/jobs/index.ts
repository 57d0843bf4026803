export * from './job.errors';
export * from './job.handlers';
