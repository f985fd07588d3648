// Worker threads run real, type-checked modules. Compiled, a thread is the .js beside its caller; under
// tsx (tests, benchmarks, development) it is the .ts source, loaded through tsx's loader registered in
// the thread itself, because the loader the main thread was started with does not reach threads.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The module `name` beside the module at `caller` (an import.meta.url), with the caller's extension. */
export function besideModule(caller: string, name: string): URL {
  return new URL(`./${name}${caller.endsWith('.ts') ? '.ts' : '.js'}`, caller);
}

/** Starts a thread running `module`. */
export function startThread(module: URL, options: WorkerOptions = {}): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, options);
  const loader = import.meta.resolve('tsx/esm/api');
  const source = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(source, { ...options, eval: true });
}
