import { request } from 'undici';
import { formatExposition, parseExposition, parseSample, type SampleLine } from './exposition.js';

let made = 0;

/**
 * A job name no other test uses. Test files run in parallel against one lab Pushgateway: each
 * pushes to its own group and reads back only that group, and nothing wipes the others'.
 */
export function ownJob(name: string): string {
  made += 1;
  return `${name}-${process.pid}-${made}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The whole exposition the Pushgateway serves. */
export async function exposition(url: string): Promise<string> {
  const response = await request(`${url}/metrics`);
  return response.body.text();
}

/**
 * The samples of one family in the group of `job`, keyed by their other labels as the
 * exposition writes them (`{}` for none; `job` left out, the rest in order).
 */
export async function scrape(url: string, job: string, family: string): Promise<Map<string, number>> {
  const samples = new Map<string, number>();
  for (const line of (await exposition(url)).split('\n')) {
    const sample = parseSample(line);
    if (sample?.name !== family || !inGroup(sample, job)) continue;
    const rest = sample.labels
      .filter(([name]) => name !== 'job')
      .map(([name, value]) => `${name}="${value}"`);
    samples.set(`{${rest.join(',')}}`, sample.value);
  }
  return samples;
}

const inGroup = (sample: SampleLine, job: string) =>
  sample.labels.some(([name, value]) => name === 'job' && value === job);

/** The families of the group of `job` as the Pushgateway serves them, with only that group's samples. */
export async function groupExposition(url: string, job: string): Promise<string> {
  return formatExposition(
    parseExposition(await exposition(url))
      .map((f) => ({ ...f, samples: f.samples.filter((s) => inGroup(s, job)) }))
      .filter((f) => f.samples.length > 0),
  );
}

/** Every line of the exposition that belongs to the group of `job`. */
export async function groupLines(url: string, job: string): Promise<string[]> {
  const mark = `job="${job}"`;
  return (await exposition(url)).split('\n').filter((line) => line.includes(mark));
}

/** Deletes the group of `job` (and grouping `labels`), only that one. */
export async function deleteGroup(
  url: string,
  job: string,
  labels: Record<string, string> = {},
): Promise<void> {
  const path = [job, ...Object.entries(labels).flat()].map(encodeURIComponent).join('/');
  const response = await request(`${url}/metrics/job/${path}`, { method: 'DELETE' });
  await response.body.dump();
  if (response.statusCode !== 202) throw new Error(`delete group ${job}: HTTP ${response.statusCode}`);
}
