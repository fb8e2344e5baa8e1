/**
 * Preload (`node --require bench/children/memory-sampler.cjs …`) for bench/train-memory.ts
 * --breakdown: samples the process every MEMORY_SAMPLE_MS (default 10) and prints, at exit, one
 * `MEMORY <json>` line on stderr: the largest value of each process.memoryUsage() field and V8 heap
 * space, and every figure at the sample where RSS peaked (RssAnon / RssFile from /proc; MB of 10⁶ bytes, as the bench).
 * At the peak, RSS ≈ node's own file pages (RssFile) + V8 heap (heapTotal) + array buffers and other
 * malloc memory, live or waiting for a mark-compact (external, plus what glibc holds free).
 */
'use strict';
const { readFileSync } = require('node:fs');
const v8 = require('node:v8');

const MB = 1e6; // as the bench reports RSS
const maxima = {};
let atPeak = null;

function procStatus() {
  const text = readFileSync('/proc/self/status', 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), rssAnon: kb('RssAnon'), rssFile: kb('RssFile') };
}

function sample() {
  const usage = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]));
  const now = { ...procStatus(), heapTotal: usage.heapTotal, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, newSpace: spaces.new_space, oldSpace: spaces.old_space };
  for (const [key, value] of Object.entries(now)) maxima[key] = Math.max(maxima[key] ?? 0, value);
  if (atPeak === null || now.rss > atPeak.rss) atPeak = now;
}

const inMb = (figures) => Object.fromEntries(Object.entries(figures).map(([key, value]) => [key, Math.round(value / MB)]));
setInterval(sample, Number(process.env.MEMORY_SAMPLE_MS ?? 10)).unref();
process.on('exit', () => {
  sample();
  process.stderr.write(`MEMORY ${JSON.stringify({ maxima: inMb(maxima), atPeak: inMb(atPeak), maxRss: Math.round((process.resourceUsage().maxRSS * 1024) / MB) })}\n`);
});
