export * from './password-hasher';
export * from './refresh-token-store';
export * from './token-issuer';
