/** One result of a web search, as the search engine gave it: written by strangers, never trusted. */
export interface WebResult {
  title: string;
  url: string;
  /** The engine's excerpt of the page ('' when it gave none). */
  snippet: string;
  /** The engine that found it (SearXNG names the upstream engine: `duckduckgo`, `wikipedia`…). */
  engine?: string;
  /** When the page says it was published (ISO 8601), when the engine knows. */
  publishedAt?: string;
}

export interface WebSearchOptions {
  /** At most this many results. */
  limit: number;
  /** A language code (`fr`, `en`, `fr-FR`) for engines that filter by language. */
  language?: string;
  signal?: AbortSignal;
}

/**
 * A web search. Off by default: nothing in the package searches the web unless a consumer builds
 * one (`createSearxngSearch` with a configured URL) and calls it.
 */
export interface WebSearch {
  search(query: string, options: WebSearchOptions): Promise<WebResult[]>;
}
