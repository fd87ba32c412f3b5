import type { CheckContext } from '../core/check.ts';
import { Outbox } from './outbox.ts';

/** The citizen's email mailbox: the codes that verify the address at activation (R-ACT-4). */
export class Mailbox extends Outbox {
  constructor(ctx: CheckContext, email: string) {
    super(ctx, email);
  }
}
