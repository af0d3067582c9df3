/**
 * docs/BENCHMARKS.md holds the latest figures of every benchmark, one `## ` section each. A benchmark run
 * with --write replaces its own section (or appends it) and leaves the others alone.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as prettier from 'prettier';

export const BENCHMARKS_FILE = 'docs/BENCHMARKS.md';

export function replaceSection(doc: string, heading: string, section: string): string {
  const start = doc.indexOf(`## ${heading}\n`);
  const body = section.trimEnd() + '\n';
  if (start < 0) return doc.trimEnd() + '\n\n' + body;
  const next = doc.indexOf('\n## ', start + 3);
  return doc.slice(0, start) + body + (next >= 0 ? doc.slice(next) : '');
}

/** Writes the section when the benchmark was run with --write (formatted as the repository formats docs). */
export async function writeBenchmarkSection(heading: string, section: string): Promise<void> {
  if (!process.argv.includes('--write')) return;
  let doc: string;
  try {
    doc = await readFile(BENCHMARKS_FILE, 'utf8');
  } catch {
    doc = '# Benchmarks\n';
  }
  const options = (await prettier.resolveConfig(BENCHMARKS_FILE)) ?? {};
  const formatted = await prettier.format(replaceSection(doc, heading, section), {
    ...options,
    filepath: BENCHMARKS_FILE,
  });
  await writeFile(BENCHMARKS_FILE, formatted);
}
