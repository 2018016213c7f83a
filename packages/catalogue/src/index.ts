export type * from './api-contract.ts';
export * from './models.ts';
export * from './services.ts';
export * from './workspace-paths.ts';
