/**
 * `npm run docs:tour`: rewrites the tour of the scenarios in docs/scenarios.md — the part
 * between `<!-- lessons:start -->` and `<!-- lessons:end -->` — from the lessons
 * (src/scenarios/catalogue/), one subsection per catalogue scenario. Run it after editing a
 * lesson or the catalogue: test/scenarios/lessons.test.ts fails while docs/scenarios.md differs.
 * `--check` writes nothing and exits 1 when the tour is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CATALOGUE } from '../src/scenarios/catalogue.ts';
import { TOUR_FILE, tourMarkdown, tourSection, withTour } from '../src/scenarios/lessons/tour-markdown.ts';

const PAGE = fileURLToPath(new URL(`../${TOUR_FILE}`, import.meta.url));

try {
  const page = readFileSync(PAGE, 'utf8');
  const tour = tourMarkdown(CATALOGUE);
  if (process.argv.includes('--check')) {
    const upToDate = tourSection(page) === tour;
    process.stdout.write(upToDate ? `${TOUR_FILE}: the tour is up to date\n` : `${TOUR_FILE}: the tour is out of date: run npm run docs:tour\n`);
    process.exitCode = upToDate ? 0 : 1;
  } else {
    const updated = withTour(page, tour);
    if (updated !== page) writeFileSync(PAGE, updated);
    process.stdout.write(`${TOUR_FILE}: ${updated === page ? 'the tour was up to date' : `tour rewritten (${CATALOGUE.length} scenarios)`}\n`);
  }
} catch (error) {
  process.stderr.write(`docs-tour: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
