import type { WorkerRouter } from '../../platform/surface';

export function mountActivity(_router: WorkerRouter): void {}
