/**
 * Every catalogue scenario's lesson, by scenario name (see src/scenarios/lesson.ts). The
 * lesson of a matrix run (`run --rpc KIND`) is its base scenario's.
 *
 * The data lives in one file per group of the catalogue: core.ts, delivery.ts, liveness.ts,
 * endings.ts, kubernetes.ts, bus.ts, peers.ts. A scenario added to the catalogue needs its lesson in one of them:
 * test/lessons.test.ts fails until it has one, and `npm run readme:tour` puts it in the README.
 */
import type { Lesson } from '../lesson.ts';
import { CORE_LESSONS } from './core.ts';
import { DELIVERY_LESSONS } from './delivery.ts';
import { ENDING_LESSONS } from './endings.ts';
import { LIVENESS_LESSONS } from './liveness.ts';
import { KUBERNETES_LESSONS } from './kubernetes.ts';
import { BUS_LESSONS } from './bus.ts';
import { PEER_LESSONS } from './peers.ts';

/**
 * The groups merged into one map.
 * @throws Error naming a scenario that has a lesson in two groups
 */
function merge(groups: ReadonlyArray<Readonly<Record<string, Lesson>>>): Map<string, Lesson> {
  const lessons = new Map<string, Lesson>();
  for (const group of groups) {
    for (const [name, lesson] of Object.entries(group)) {
      if (lessons.has(name)) throw new Error(`scenario "${name}" has two lessons`);
      lessons.set(name, lesson);
    }
  }
  return lessons;
}

/** Lessons by scenario name; filled by the data files of this folder. */
export const LESSONS: ReadonlyMap<string, Lesson> = merge([CORE_LESSONS, DELIVERY_LESSONS, LIVENESS_LESSONS, ENDING_LESSONS, KUBERNETES_LESSONS, BUS_LESSONS, PEER_LESSONS]);

/** The lesson of scenario `name` (a matrix name like `cancel` run over another RPC kind is the same scenario), or undefined. */
export function lessonOf(name: string): Lesson | undefined {
  return LESSONS.get(name);
}
