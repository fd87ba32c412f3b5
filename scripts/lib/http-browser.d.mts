export interface FormField {
  name: string;
  type: string;
  value: string;
  checked: boolean;
  label: string | null;
}

export class HtmlPage {
  readonly url: URL;
  readonly status: number;
  readonly html: string;
  readonly headers: Headers;
  get heading(): string;
  get alert(): string | null;
  form(button: string): { action: string; fields: FormField[] };
}

export class HttpBrowser {
  constructor(baseUrl: string);
  readonly origin: string;
  readonly cookies: Map<string, string>;
  fetch(target: string | URL, init?: RequestInit): Promise<Response>;
  open(target: string | URL): Promise<HtmlPage>;
  submit(page: HtmlPage, button: string, values?: Record<string, string | boolean>): Promise<HtmlPage>;
}
