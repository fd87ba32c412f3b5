export interface WranglerConfig {
  name: string;
  compatibility_date: string;
  compatibility_flags?: string[];
  assets?: { directory?: string; binding?: string };
  durable_objects?: { bindings?: Array<{ name: string; class_name: string; script_name?: string }> };
  migrations?: Array<{ tag: string; new_sqlite_classes?: string[] }>;
}
export function durableObjects(config: WranglerConfig): Array<{ binding: string; className: string }>;
export function workerdConfig(o: {
  config: WranglerConfig;
  bundle: string;
  assetsWorker: string;
  assetsDir: string;
  storageDir: string;
  vars: Record<string, string>;
  address: string;
}): string;
