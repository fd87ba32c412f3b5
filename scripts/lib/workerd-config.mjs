/**
 * The workerd configuration (Cap'n Proto text) that serves the bundle `wrangler deploy --dry-run`
 * writes, as a deployment would run it: the Worker with wrangler.toml's compatibility date and flags,
 * its [vars] and the development secrets as text bindings, every Durable Object class with SQLite
 * storage on local disk, and the static assets through scripts/lib/workerd-assets.js. Pure: paths and
 * values in, text out (scripts/serve-workerd.mjs does the I/O).
 */

/** A Cap'n Proto text literal: JSON's escaping is a subset of what capnp's C-style strings accept. */
const text = (value) => JSON.stringify(String(value));

/** The Durable Object classes wrangler.toml binds, with their binding names, checked against the migrations. */
export function durableObjects(config) {
  const bindings = config.durable_objects?.bindings ?? [];
  const sqlite = new Set((config.migrations ?? []).flatMap((m) => m.new_sqlite_classes ?? []));
  for (const b of bindings) {
    if (b.script_name) throw new Error(`${b.name}: a Durable Object of another script is not supported here`);
    if (!sqlite.has(b.class_name)) throw new Error(`${b.class_name}: only SQLite-backed Durable Objects are configured (new_sqlite_classes)`);
  }
  return bindings.map((b) => ({ binding: b.name, className: b.class_name }));
}

/**
 * @param {object} o
 * @param {object} o.config        wrangler.toml, parsed (top-level environment)
 * @param {string} o.bundle        path of the bundle's index.js
 * @param {string} o.assetsWorker  path of workerd-assets.js
 * @param {string} o.assetsDir     the [assets] directory
 * @param {string} o.storageDir    where Durable Objects keep their SQLite files
 * @param {Record<string,string>} o.vars  text bindings: [vars], then the secrets (which win)
 * @param {string} o.address       host:port to listen on
 */
export function workerdConfig({ config, bundle, assetsWorker, assetsDir, storageDir, vars, address }) {
  const objects = durableObjects(config);
  const assetsBinding = config.assets?.binding;
  const bindings = [
    ...Object.entries(vars).map(([name, value]) => `(name = ${text(name)}, text = ${text(value)})`),
    ...objects.map((o) => `(name = ${text(o.binding)}, durableObjectNamespace = ${text(o.className)})`),
    ...(assetsBinding ? [`(name = ${text(assetsBinding)}, service = "assets")`] : []),
  ];
  const namespaces = objects.map((o) => `(className = ${text(o.className)}, uniqueKey = ${text(`${config.name}-${o.className}`)}, enableSql = true)`);
  const flags = (config.compatibility_flags ?? []).map(text).join(', ');
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .mainWorker),
    (name = "do-storage", disk = (path = ${text(storageDir)}, writable = true)),
    (name = "public-disk", disk = (path = ${text(assetsDir)}, writable = false)),
    (name = "assets", worker = .assetsWorker),
  ],
  sockets = [(name = "http", address = ${text(address)}, http = (), service = "main")],
);

const mainWorker :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed ${text(bundle)})],
  compatibilityDate = ${text(config.compatibility_date)},
  compatibilityFlags = [${flags}],
  bindings = [
    ${bindings.join(',\n    ')}
  ],
  durableObjectNamespaces = [
    ${namespaces.join(',\n    ')}
  ],
  durableObjectStorage = (localDisk = "do-storage"),
);

const assetsWorker :Workerd.Worker = (
  modules = [(name = "workerd-assets.js", esModule = embed ${text(assetsWorker)})],
  compatibilityDate = ${text(config.compatibility_date)},
  bindings = [(name = "DISK", service = "public-disk")],
);
`;
}
