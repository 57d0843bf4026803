export * from './job.errors';
export * from './job-administration';
