// A festival site's own script: the widgets as an npm dependency, bundled with the site's code.
import 'panda-kit/widgets';
import { FESTIVAL_SCHEMA_IDS } from 'panda-kit/core';
import { fromFrabJson, type ScheduleData } from 'panda-kit/widgets';

// document.createElement knows the element's class (HTMLElementTagNameMap): `src` is a string.
const schedule = document.createElement('panda-schedule');
schedule.src = './schedule.json';
schedule.view = 'list';
schedule.day = '2019-08-22';
document.querySelector('main')!.append(schedule);

// The core works in the page as well: the schema the festival's events are published under.
document.querySelector('#schema')!.textContent = `Events are published as ${FESTIVAL_SCHEMA_IDS.panda_event}`;

// Typed helpers for sites that read the schedule themselves.
export const parse = (json: unknown): ScheduleData => fromFrabJson(json);
