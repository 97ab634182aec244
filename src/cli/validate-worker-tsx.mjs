// The worker of parallel-validate.ts when the CLI runs from source (bin/rmdx.js without a build,
// tests): tsx's loader first, then the TypeScript entry. The built CLI starts validate-worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./validate-worker.ts');
