// Parse every ```mermaid block of the Markdown files named on the command
// line with the mermaid package, as GitHub's renderer would.  Prints one
// line per failing block (FILE:LINE: message) and a closing count; exits 1
// when any block fails to parse.
//
//   node tests/lint/mermaid-parse.mjs NODE_MODULES_DIR FILE.md...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [modules, ...files] = process.argv.slice(2);
const require = createRequire(path.resolve(modules, 'package.json'));
const { JSDOM } = require('jsdom');
const dom = new JSDOM('<!doctype html><html><body></body></html>');
for (const k of ['window', 'document', 'navigator', 'Element', 'HTMLElement', 'SVGElement',
		 'DOMParser', 'MutationObserver']) {
	if (globalThis[k] === undefined && dom.window[k] !== undefined)
		Object.defineProperty(globalThis, k, { value: dom.window[k], configurable: true });
}
const mermaid = (await import(require.resolve('mermaid'))).default;
mermaid.initialize({ startOnLoad: false });

let blocks = 0, failed = 0;
for (const file of files) {
	const lines = readFileSync(file, 'utf8').split('\n');
	for (let i = 0; i < lines.length; i++) {
		if (lines[i].trim() !== '```mermaid')
			continue;
		const start = i + 1;
		const body = [];
		for (i++; i < lines.length && lines[i].trim() !== '```'; i++)
			body.push(lines[i]);
		blocks++;
		try {
			await mermaid.parse(body.join('\n'));
		} catch (e) {
			failed++;
			const msg = String(e && e.message ? e.message : e).split('\n').join(' ');
			console.log(`${file}:${start}: ${msg}`);
		}
	}
}
console.log(`mermaid: ${blocks - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
