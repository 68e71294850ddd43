// Recorded AWS histories (console/testdata/histories.json, cut from
// shared/conformance/cases.jsonl) shared by the tests.
import { readFileSync } from 'node:fs';

const url = new URL('../testdata/histories.json', import.meta.url);
export const cases = JSON.parse(readFileSync(url, 'utf8')).cases;
