/**
 * The keyboard of `<panda-schedule>`: what a key does in the grid (move to a neighbour, open,
 * change the day) and in the day tabs, worked out without the DOM, and the handlers that
 * carry it out through the element's `KeyActions`.
 */
import type { ScheduleEvent } from '../lib/schedule-data.js';
import type { ScheduleDay } from '../lib/schedule-time.js';
import type { Cell, GridModel } from './schedule-model.js';

/** What the keys make the element do. */
export interface KeyActions {
  open(event: ScheduleEvent): void;
  chooseDay(dayKey: string, focusTab?: boolean): void;
  /** Makes the cell the one in the tab order and focuses it once drawn. */
  focusCell(cellKey: string): void;
  /** Focuses the grid's first cell once drawn (after a change of day). */
  focusFirstCell(): void;
}

type Days = ReadonlyArray<Pick<ScheduleDay, 'key'>>;

/** What a key pressed on a grid cell does; undefined: nothing (the browser's default stays). */
export type GridKeyAction = { open: Cell | undefined } | { day: string | undefined } | { move: Cell };

const MOVES = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End'];

/**
 * Enter/Space open the cell, PageUp/PageDown go to the day before/after (`day` undefined at
 * either end), arrows, Home and End move (with Ctrl or Meta, Home/End: of the day).
 */
export function gridKeyAction(
  key: string,
  ctrl: boolean,
  columns: ReadonlyArray<{ cells: readonly Cell[] }>,
  current: Cell | undefined,
  days: Days,
  dayKey: string,
): GridKeyAction | undefined {
  if (key === 'Enter' || key === ' ') return { open: current };
  if (key === 'PageUp' || key === 'PageDown') return { day: days[days.findIndex((day) => day.key === dayKey) + (key === 'PageUp' ? -1 : 1)]?.key };
  const next = moveInGrid(columns, key, ctrl, current);
  return next && MOVES.includes(key) ? { move: next } : undefined;
}

/** A key pressed in the grid: on a cell, it moves, opens or changes the day. */
export function onGridKey(event: KeyboardEvent, model: GridModel, days: Days, dayKey: string, actions: KeyActions): void {
  const cellElement = (event.target as HTMLElement).closest<HTMLElement>('[role="gridcell"]');
  if (!cellElement) return;
  const current = model.columns.flatMap((column) => column.cells).find((cell) => cell.key === cellElement.dataset.key);
  const action = gridKeyAction(event.key, event.ctrlKey || event.metaKey, model.columns, current, days, dayKey);
  if (!action) return;
  event.preventDefault();
  if ('open' in action) {
    if (action.open) actions.open(action.open.event);
  } else if ('day' in action) {
    if (action.day) {
      actions.chooseDay(action.day);
      actions.focusFirstCell();
    }
  } else actions.focusCell(action.move.key);
}

/** A key pressed in the day tabs: arrows, Home and End choose a day and focus its tab. */
export function onTabKey(event: KeyboardEvent, days: Days, dayKey: string, actions: KeyActions): void {
  const day = tabKeyTarget(event.key, days, dayKey);
  if (!day) return;
  event.preventDefault();
  actions.chooseDay(day, true);
}

/** The day tab that ArrowLeft/ArrowRight/Home/End go to from `dayKey`. */
export function tabKeyTarget(key: string, days: Days, dayKey: string): string | undefined {
  const index = days.findIndex((day) => day.key === dayKey);
  const target = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: days.length - 1 }[key as 'Home'];
  return target === undefined ? undefined : days[target]?.key;
}

/** A grid cell's neighbour for an arrow key (visual layout: columns are locations, down is later). */
export function moveInGrid(columns: ReadonlyArray<{ cells: readonly Cell[] }>, key: string, ctrl: boolean, current: Cell | undefined): Cell | undefined {
  const column = current ? columns[current.column]?.cells : undefined;
  const index = current && column ? column.findIndex((cell) => cell.key === current.key) : -1;
  const all = columns.flatMap((c) => c.cells);
  if (!current || !column || index < 0) return all[0];
  const nearest = (target: readonly Cell[] | undefined) =>
    target?.find((cell) => cell.event.start <= current.event.start && current.event.start < cell.event.end) ??
    target?.reduce<Cell | undefined>(
      (best, cell) => (!best || Math.abs(cell.event.start - current.event.start) < Math.abs(best.event.start - current.event.start) ? cell : best),
      undefined,
    );
  switch (key) {
    case 'ArrowDown':
      return column[index + 1];
    case 'ArrowUp':
      return column[index - 1];
    case 'ArrowRight':
      return nearest(columns[current.column + 1]?.cells);
    case 'ArrowLeft':
      return nearest(columns[current.column - 1]?.cells);
    case 'Home':
      return ctrl ? all[0] : column[0];
    case 'End':
      return ctrl ? columns.at(-1)?.cells.at(-1) : column.at(-1);
  }
  return undefined;
}
