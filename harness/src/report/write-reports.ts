import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunReport } from '../runner/result.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';

export interface WrittenReports {
  junit: string;
  html: string;
}

export async function writeReports(dir: string, report: RunReport): Promise<WrittenReports> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const written = { junit: join(target, 'junit.xml'), html: join(target, 'report.html') };
  await Promise.all([writeFile(written.junit, renderJunit(report)), writeFile(written.html, renderHtml(report))]);
  return written;
}
