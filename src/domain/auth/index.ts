export * from './email';
export * from './password-policy';
export * from './role';
export * from './user';
export * from './user.errors';
export * from './user.events';
export * from './user.repository';
