// The TypeScript compiler API for every part of the core that parses: ts-morph's own copy of TypeScript, taken
// from its file directly and loaded on first use. Reaching it this way costs neither ts-morph (its project model
// and 3 MB of library texts, which only cleanup's type check needs) nor TypeScript itself until something is
// parsed: a scan answered from its cache never loads either. A plain JavaScript module (typed by
// typescript.d.ts) because TypeScript cannot declare a lazily loaded value and its namespace of types under one name.
'use strict';

let api;
Object.defineProperty(exports, '__esModule', { value: true });
Object.defineProperty(exports, 'ts', {
  enumerable: true,
  get() {
    // The bundles turn this into a require of dist/typescript.js, the one copy the CLI, the server and ts-morph share.
    return (api ??= require('@ts-morph/common/dist/typescript.js'));
  },
});
