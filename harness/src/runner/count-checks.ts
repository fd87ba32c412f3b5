export function countChecks(n: number): string {
  return n === 1 ? '1 check' : `${n} checks`;
}
