export interface Citizen {
  fiscalCode: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  phone: string;
  email?: string;
}
export function birthDateForAge(years: number, days?: number, now?: Date): string;
export function citizen(data: { givenName: string; familyName: string; gender?: 'M' | 'F'; birthDate: string; phone: string; email?: string }): Citizen;
export function randomPhone(): string;
export function randomCitizen(): Citizen;
