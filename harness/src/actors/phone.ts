import type { CheckContext } from '../core/check.ts';
import { Outbox } from './outbox.ts';

/** The citizen's mobile phone: the SMS one-time codes sent to its number (R-ACT-3, R-LOG-2). */
export class Phone extends Outbox {
  constructor(ctx: CheckContext, number: string) {
    super(ctx, number);
  }

  get number(): string {
    return this.address;
  }
}
