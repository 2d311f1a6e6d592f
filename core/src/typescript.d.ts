// Types of typescript.js: the TypeScript namespace ts-morph exposes (the same copy of TypeScript).
export { ts } from 'ts-morph';
