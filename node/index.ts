/**
 * `panda-kit/node`: Panda Kit in Node, for always-on peers and bots. A data directory (key
 * file, settings, database), the SQLite store, the Node peer (a FestivalPeer with the festival
 * node and the WebRTC network through node-datachannel), the schedule exports, their live
 * feeds over HTTP (`panda serve --http`), and bots (node/bots/: the `Bot` interface, its
 * runner, the random-meeting bot).
 *
 * better-sqlite3 and node-datachannel are optional peer dependencies of the package (a
 * widgets-only site does not build native modules): a Node program installs them beside it.
 */
export { DataDir, defaultDataDir, DEFAULT_SIGNALING, type FestivalSetting, type PeerConfig } from './data-dir.js';
export { SqliteStore, SQLITE_APPLICATION_ID, SQLITE_SCHEMA_VERSION } from './sqlite-store.js';
export { NodePeer, startSignalingServer, type NodePeerOptions } from './node-peer.js';
export { festivalSchedule, isScheduleFormat, SCHEDULE_FORMATS, type ScheduleFormat, type ScheduleFormatName } from './schedule-export.js';
export { FestivalFeeds, FEED_FORMATS, feedPath, eventFeedPath, type FeedBody, type FeedFormat, type FestivalFeedsOptions } from './feeds.js';
export { FeedRevisions, type RevisionStorage } from './feed-revisions.js';
export { startFeedServer, MAX_URL_LENGTH, type FeedServer, type FeedServerOptions } from './feed-server.js';
export { BotRunner, BOT_RETRY_MS, ensureBotProfile, type Bot, type BotContext, type BotReport, type BotRunnerOptions } from './bots/bot.js';
export {
  arrangeMeetings,
  isBotProfile,
  randomMeetings,
  RANDOM_MEETINGS_PROFILE,
  type ArrangedMeeting,
  type RandomMeetingsOptions,
} from './bots/random-meetings.js';
