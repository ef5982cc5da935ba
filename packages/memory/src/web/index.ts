export { type FetchWebPageOptions, fetchWebPage, type WebPage } from './fetch-web-page.js';
export { assertPublicHost, type HostLookup, isPrivateAddress } from './private-address.js';
export { createSearxngSearch, type SearxngSearchOptions, searxngResults } from './searxng-search.js';
export type { WebResult, WebSearch, WebSearchOptions } from './web-search.js';
