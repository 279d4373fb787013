/**
 * `npm run readme:tour`: rewrites the README's tour of the scenarios — the part between
 * `<!-- lessons:start -->` and `<!-- lessons:end -->` — from the lessons
 * (src/scenarios/catalogue/), one subsection per catalogue scenario. Run it after editing a
 * lesson or the catalogue: test/scenarios/lessons.test.ts fails while the README differs.
 * `--check` writes nothing and exits 1 when the README is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CATALOGUE } from '../src/scenarios/catalogue.ts';
import { tourMarkdown, tourSection, withTour } from '../src/scenarios/lessons/tour-markdown.ts';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

try {
  const readme = readFileSync(README, 'utf8');
  const tour = tourMarkdown(CATALOGUE);
  if (process.argv.includes('--check')) {
    const upToDate = tourSection(readme) === tour;
    process.stdout.write(upToDate ? 'README.md: the tour is up to date\n' : 'README.md: the tour is out of date: run npm run readme:tour\n');
    process.exitCode = upToDate ? 0 : 1;
  } else {
    const updated = withTour(readme, tour);
    if (updated !== readme) writeFileSync(README, updated);
    process.stdout.write(`README.md: ${updated === readme ? 'the tour was up to date' : `tour rewritten (${CATALOGUE.length} scenarios)`}\n`);
  }
} catch (error) {
  process.stderr.write(`readme-tour: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
