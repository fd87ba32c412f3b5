// Characters XML 1.0 forbids even when escaped: a hostile body with a NUL must not make the
// whole junit.xml unreadable to the CI system.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const XML_FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export function escapeXml(text: string): string {
  return escapeMarkup(text.replace(XML_FORBIDDEN, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`));
}

/** A parser turns raw newlines and tabs in attributes into spaces; as references they survive. */
export function escapeXmlAttribute(text: string): string {
  return escapeXml(text).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function escapeHtml(text: string): string {
  return escapeMarkup(text);
}
