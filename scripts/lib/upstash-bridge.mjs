// A small Upstash-REST server in front of a local redis-server, for the tests and `npm start -- --directory upstash`:
// the directory's Upstash adapter (functions/platform/directory-upstash.ts) talks to it exactly as it
// talks to Upstash — `POST /` (one command as a JSON array), `POST /pipeline`, `POST /multi-exec`, bearer
// auth, `Upstash-Encoding: base64` answers — and it talks RESP to redis-server over TCP on 127.0.0.1.
// Never a production component: one connection, no TLS, loopback only.
import { spawn } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { freePort } from './dev-server.mjs';

const CRLF = '\r\n';
/** A reply not yet whole in the buffer. */
const INCOMPLETE = Symbol('incomplete');

/** A RESP error reply, kept apart from values so that `EXEC` answers can carry one per command. */
class RespError {
  constructor(message) {
    this.message = message;
  }
}
/** A RESP simple string: Upstash leaves `OK` in clear under base64 encoding, and encodes the others. */
class SimpleString {
  constructor(value) {
    this.value = value;
  }
}

/** One RESP2 value at `at`: [value, next offset], or INCOMPLETE. */
function parseReply(buf, at) {
  const end = buf.indexOf(CRLF, at);
  if (end < 0) return INCOMPLETE;
  const type = String.fromCharCode(buf[at]);
  const line = buf.toString('utf8', at + 1, end);
  const next = end + 2;
  if (type === '+') return [new SimpleString(line), next];
  if (type === '-') return [new RespError(line), next];
  if (type === ':') return [Number(line), next];
  if (type === '$') {
    const length = Number(line);
    if (length < 0) return [null, next];
    if (buf.length < next + length + 2) return INCOMPLETE;
    return [buf.subarray(next, next + length), next + length + 2];
  }
  if (type === '*') {
    const count = Number(line);
    if (count < 0) return [null, next];
    const items = [];
    let offset = next;
    for (let i = 0; i < count; i++) {
      const item = parseReply(buf, offset);
      if (item === INCOMPLETE) return INCOMPLETE;
      items.push(item[0]);
      offset = item[1];
    }
    return [items, offset];
  }
  throw new Error(`redis-server sent a reply of unknown type ${JSON.stringify(type)}`);
}

function encodeCommand(args) {
  const parts = [`*${args.length}${CRLF}`];
  for (const arg of args) {
    const bytes = Buffer.from(String(arg), 'utf8');
    parts.push(`$${bytes.length}${CRLF}`, bytes, CRLF);
  }
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

/**
 * One TCP connection to redis-server, pipelined: replies come back in the order commands went out, so
 * each waiting caller takes the next one. A batch is written with one `write`, so the commands of a
 * MULTI … EXEC never interleave with another request's.
 */
export class RespConnection {
  #socket;
  #buffer = Buffer.alloc(0);
  #waiting = [];
  #failed = null;
  /** The AUTH reply, when there is a password: the first reply on the connection. */
  #auth = Promise.resolve([]);

  constructor({ port, host = '127.0.0.1', password }) {
    this.#socket = connect({ port, host });
    this.#socket.setNoDelay(true);
    this.#socket.on('data', (chunk) => this.#receive(chunk));
    const fail = (err) => {
      this.#failed = err ?? new Error('the connection to redis-server closed');
      for (const w of this.#waiting.splice(0)) w.reject(this.#failed);
    };
    this.#socket.on('error', fail);
    this.#socket.on('close', () => fail(this.#failed));
    if (password) this.#auth = this.send([['AUTH', password]]);
  }

  #receive(chunk) {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    let offset = 0;
    while (this.#waiting.length && offset < this.#buffer.length) {
      const parsed = parseReply(this.#buffer, offset);
      if (parsed === INCOMPLETE) break;
      offset = parsed[1];
      this.#waiting.shift().resolve(parsed[0]);
    }
    this.#buffer = this.#buffer.subarray(offset);
  }

  /** Sends the commands at once; resolves with their replies in order (error replies as RespError). */
  send(commands) {
    if (this.#failed) return Promise.reject(this.#failed);
    const replies = commands.map(() => new Promise((resolve, reject) => this.#waiting.push({ resolve, reject })));
    this.#socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  /** Resolves once connected and authenticated; rejects when redis-server is not there or refuses the password. */
  async ready() {
    const [auth] = await this.#auth;
    if (auth instanceof RespError) throw new Error(`redis-server refused AUTH: ${auth.message}`);
    if (!this.#failed) await this.send([['PING']]);
  }

  close() {
    this.#socket.end();
  }
}

/** A reply as Upstash writes it in JSON: strings base64 when the client asked for it, `OK` always in clear. */
export function toUpstash(reply, base64) {
  if (reply === null || typeof reply === 'number') return reply;
  if (reply instanceof SimpleString) return base64 && reply.value !== 'OK' ? Buffer.from(reply.value).toString('base64') : reply.value;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString('base64') : reply.toString('utf8');
  if (Array.isArray(reply)) return reply.map((r) => (r instanceof RespError ? null : toUpstash(r, base64)));
  throw new Error('unexpected reply');
}

const answer = (reply, base64) => (reply instanceof RespError ? { error: reply.message } : { result: toUpstash(reply, base64) });

const isCommand = (c) => Array.isArray(c) && c.length > 0 && c.every((a) => typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean');

const MAX_BODY = 16 * 1024 * 1024;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('ERR request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function bearerMatches(header, token) {
  const given = Buffer.from(String(header ?? ''));
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The Upstash REST server. Resolves once it listens; `url` is what UPSTASH_REDIS_REST_URL takes.
 * `stats` counts requests by path, so a test can see that commands were pipelined.
 */
export async function startBridge({ redisPort, redisPassword, token = randomBytes(24).toString('base64url'), port = 0, host = '127.0.0.1' }) {
  const redis = new RespConnection({ port: redisPort, password: redisPassword });
  await redis.ready();
  const stats = { '/': 0, '/pipeline': 0, '/multi-exec': 0 };

  const server = createServer(async (req, res) => {
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const path = new URL(req.url ?? '/', 'http://bridge').pathname;
      if (!(path in stats)) return reply(404, { error: 'ERR only POST /, /pipeline and /multi-exec are served here' });
      if (req.method !== 'POST') return reply(405, { error: 'ERR POST only' });
      if (!bearerMatches(req.headers.authorization, token)) return reply(401, { error: 'Unauthorized' });
      const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
      let body;
      try {
        body = JSON.parse(await readBody(req));
      } catch (err) {
        return reply(400, { error: `ERR ${err instanceof SyntaxError ? 'the body is not JSON' : err.message}` });
      }
      stats[path] += 1;
      if (path === '/') {
        if (!isCommand(body)) return reply(400, { error: 'ERR the body must be one command, a JSON array of strings and numbers' });
        const [r] = await redis.send([body]);
        return r instanceof RespError ? reply(400, { error: r.message }) : reply(200, { result: toUpstash(r, base64) });
      }
      if (!Array.isArray(body) || body.length === 0 || !body.every(isCommand)) {
        return reply(400, { error: 'ERR the body must be a non-empty JSON array of commands' });
      }
      if (path === '/pipeline') {
        const replies = await redis.send(body);
        return reply(
          200,
          replies.map((r) => answer(r, base64)),
        );
      }
      // /multi-exec: queued as one transaction; a command refused while queueing aborts all of it.
      const replies = await redis.send([['MULTI'], ...body, ['EXEC']]);
      const exec = replies.at(-1);
      if (exec instanceof RespError) {
        const queued = replies.slice(1, -1).find((r) => r instanceof RespError);
        return reply(400, { error: queued ? `${exec.message} (${queued.message})` : exec.message });
      }
      if (!Array.isArray(exec)) return reply(400, { error: 'ERR transaction discarded' });
      return reply(
        200,
        exec.map((r) => answer(r, base64)),
      );
    } catch (err) {
      return reply(500, { error: `ERR bridge: ${err?.message ?? err}` });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    token,
    stats,
    close: () =>
      new Promise((resolve) => {
        redis.close();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * redis-server on a free port of 127.0.0.1, with a password of this run, its configuration on stdin
 * (so the password is not on the command line). With `dataDir` it keeps an append-only file there
 * (`npm start`'s data survives restarts); without, nothing is written to disk.
 */
export async function startRedis({ dataDir, binary = process.env.REDIS_SERVER || 'redis-server' } = {}) {
  const port = await freePort();
  const password = randomBytes(24).toString('base64url');
  const config = ['bind 127.0.0.1', `port ${port}`, `requirepass ${password}`, 'protected-mode yes', 'daemonize no', 'loglevel warning', 'save ""'];
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    config.push(`dir ${JSON.stringify(dataDir)}`, 'appendonly yes');
  } else {
    config.push('appendonly no');
  }
  const child = spawn(binary, ['-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const spawned = new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) =>
      reject(err.code === 'ENOENT' ? new Error(`${binary} is missing: run \`bash scripts/install-redis.sh\` (or set REDIS_SERVER)`) : err),
    );
  });
  await spawned;
  child.stdin.end(`${config.join('\n')}\n`);
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);

  const stop = async () => {
    process.off('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}) before it was ready:\n${output}`);
    const probe = new RespConnection({ port, password });
    try {
      await probe.ready();
      const [pong] = await probe.send([['PING']]);
      if (pong instanceof SimpleString && pong.value === 'PONG') break;
    } catch {
      // not listening yet
    } finally {
      probe.close();
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer on 127.0.0.1:${port} within 10 s:\n${output}`);
    }
    await sleep(50);
  }
  return { port, password, stop, output: () => output };
}

/** redis-server and the bridge in front of it; `close` stops both. */
export async function startUpstashStack({ dataDir, token, port } = {}) {
  const redis = await startRedis({ dataDir });
  try {
    const bridge = await startBridge({ redisPort: redis.port, redisPassword: redis.password, token, port });
    return {
      url: bridge.url,
      token: bridge.token,
      stats: bridge.stats,
      redis,
      close: async () => {
        await bridge.close();
        await redis.stop();
      },
    };
  } catch (err) {
    await redis.stop();
    throw err;
  }
}
