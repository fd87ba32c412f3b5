// An interface may only extend a named type, not an `import()` type: through an alias, so that
// `env` from cloudflare:test and cloudflare:workers carries the Worker's bindings.
type CieidWorkerEnv = import('../functions/env').Env;

declare namespace Cloudflare {
  interface Env extends CieidWorkerEnv {}
}
