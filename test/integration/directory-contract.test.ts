import { env } from 'cloudflare:workers';
import type { Env } from '../../functions/env';
import { DurableObjectDirectory } from '../../functions/platform/directory';
import { directoryContract } from '../support/directory-contract';

/** The shard adapter held to the directory's contract; directory-contract.upstash.test.ts holds the other to the same cases. */
directoryContract('Durable Object shards', () => new DurableObjectDirectory(env as unknown as Env, { namespace: `contract-${crypto.randomUUID()}:` }));
