// The store and the provider arrive in the next commits.
export {};
