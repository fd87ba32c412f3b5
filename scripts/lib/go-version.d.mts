export const GO_MIN: [number, number];
export function goCanBuildK6(versionLine: string | null | undefined): boolean;
