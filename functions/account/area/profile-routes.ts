import type { WorkerRouter } from '../../platform/surface';

export function mountProfile(_router: WorkerRouter): void {}
