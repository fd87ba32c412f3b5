import { normalizeEmail } from './contacts';

/**
 * Who a citizen can turn to, as the footer's pages show it (Assistenza, Privacy, Accessibilità):
 * plain configuration (wrangler.toml vars), read here into what the pages may print. A value that
 * does not look like what it claims to be is dropped — a contact shown wrong is worse than none — and
 * whatever is kept is still escaped by the `html` template that prints it.
 */
export interface ContactVars {
  HELP_EMAIL?: string;
  HELP_PHONE?: string;
  HELP_HOURS?: string;
  PRIVACY_CONTROLLER?: string;
  PRIVACY_CONTACT?: string;
}

export interface Phone {
  /** As configured, for reading ("800 263 388"). */
  text: string;
  /** `tel:` with the digits only, for dialling. */
  href: string;
}

export interface SiteContacts {
  /** The citizens' help desk. */
  helpEmail: string | null;
  /** The number that blocks a lost or stolen card. */
  cardBlockPhone: Phone | null;
  /** When that number answers, free text. */
  helpHours: string | null;
  /** The data controller (titolare del trattamento) the privacy notice names: never empty. */
  controller: string;
  /** The controller's or DPO's address for privacy requests; without it, the help desk. */
  privacyContact: string | null;
}

/** The guides' contacts (Ministero dell'Interno's help desk and card-block number). */
export const DEFAULT_SITE_CONTACTS: SiteContacts = {
  helpEmail: 'cie.cittadini@interno.it',
  cardBlockPhone: { text: '800 263 388', href: 'tel:800263388' },
  helpHours: null,
  controller: "Ministero dell'Interno",
  privacyContact: null,
};

const TEXT_MAX = 200;

/** One line of text without control characters, or null when empty or longer than a sentence. */
function plainText(value: string): string | null {
  const text = value
    .replace(/\p{Cc}/gu, (c) => (/\s/.test(c) ? ' ' : ''))
    .replace(/\s+/g, ' ')
    .trim();
  return text && text.length <= TEXT_MAX ? text : null;
}

/** Digits with the usual separators, an optional leading +; at least 3 digits (a short number), at most 15 (E.164). */
function phone(value: string): Phone | null {
  const text = value.replace(/[ \t]+/g, ' ').trim();
  if (!/^\+?[0-9][0-9 .\-()]*[0-9]$/.test(text)) return null;
  const digits = text.replace(/[^0-9]/g, '');
  if (digits.length < 3 || digits.length > 15) return null;
  return { text, href: `tel:${text.startsWith('+') ? '+' : ''}${digits}` };
}

const email = (value: string) => normalizeEmail(value);

/** Unset: the default. Set: that value if it is valid, else nothing (an empty value turns a contact off). */
function configured<T>(value: string | undefined, parse: (v: string) => T | null, fallback: T | null): T | null {
  return value === undefined ? fallback : parse(value);
}

export function siteContacts(vars: ContactVars): SiteContacts {
  const d = DEFAULT_SITE_CONTACTS;
  return {
    helpEmail: configured(vars.HELP_EMAIL, email, d.helpEmail),
    cardBlockPhone: configured(vars.HELP_PHONE, phone, d.cardBlockPhone),
    helpHours: configured(vars.HELP_HOURS, plainText, d.helpHours),
    controller: configured(vars.PRIVACY_CONTROLLER, plainText, null) ?? d.controller,
    privacyContact: configured(vars.PRIVACY_CONTACT, email, d.privacyContact),
  };
}
