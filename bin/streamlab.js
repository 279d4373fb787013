#!/usr/bin/env node
// `npx streamlab ...`: npm puts node_modules/.bin first on PATH, so `node` here is the
// Node 24 from the `node` package. The SDK is loaded before the app, as with --import.
await import('../src/instrumentation.ts');
await import('../src/main.ts');
