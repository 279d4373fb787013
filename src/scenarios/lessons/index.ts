/**
 * Every catalogue scenario's lesson, by scenario name (see src/scenarios/lesson.ts). The
 * lesson of a matrix run (`run --rpc KIND`) is its base scenario's.
 */
import type { Lesson } from '../lesson.ts';

/** Lessons by scenario name; filled by the data files of this folder. */
export const LESSONS: ReadonlyMap<string, Lesson> = new Map<string, Lesson>();

/** The lesson of scenario `name` (a matrix name like `cancel` run over another RPC kind is the same scenario), or undefined. */
export function lessonOf(name: string): Lesson | undefined {
  return LESSONS.get(name);
}
