export * from './defaults.ts';
export * from './environments.ts';
export * from './platform-config.ts';
export * from './resolve-config.ts';
