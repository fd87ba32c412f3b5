declare namespace Cloudflare {
  interface Env extends import('../functions/env').Env {}
}
