export * from './png-bytes.ts';
