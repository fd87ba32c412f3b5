import type { WorkerRouter } from '../../platform/surface';

export function mountRevocation(_router: WorkerRouter): void {}
