/**
 * The planner page's entry: defines the elements and connects `<panda-planner>` to the
 * background; a join link's offer comes from this page's own fragment, which only the
 * background can set (web pages cannot open extension pages). The only planner module that
 * touches extension APIs.
 */
import browser from 'webextension-polyfill';
import { createPlannerClient } from '../shared/popup-client.js';
import { definePlannerElements } from './define.js';
import { PandaPlanner } from './panda-planner/panda-planner.js';

definePlannerElements();
const planner = document.querySelector('panda-planner')!;
const offer = PandaPlanner.offerFrom(location.hash);
if (offer) planner.joinOffer = offer;
else if (location.hash.length > 1) planner.tab = location.hash.slice(1) as PandaPlanner['tab'];
planner.client = createPlannerClient(browser.runtime);
