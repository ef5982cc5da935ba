/** A timed piece of text, seconds from the start. */
export interface TimedText {
  start: number;
  end: number;
  text: string;
}

function clock(seconds: number, separator: ',' | '.'): string {
  const totalMs = Math.max(0, Math.round(seconds * 1000));
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor((totalMs % 3_600_000) / 60_000);
  const wholeSeconds = Math.floor((totalMs % 60_000) / 1000);
  const ms = totalMs % 1000;
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(hours)}:${two(minutes)}:${two(wholeSeconds)}${separator}${String(ms).padStart(3, '0')}`;
}

/** SubRip: numbered cues, `00:00:01,200 --> 00:00:02,500`. */
export function toSrt(segments: readonly TimedText[]): string {
  return segments
    .map(
      (segment, index) =>
        `${index + 1}\n${clock(segment.start, ',')} --> ${clock(segment.end, ',')}\n${segment.text.trim()}\n`,
    )
    .join('\n');
}

/** WebVTT: a `WEBVTT` header, then cues `00:00:01.200 --> 00:00:02.500`. */
export function toVtt(segments: readonly TimedText[]): string {
  const cues = segments.map(
    (segment) => `${clock(segment.start, '.')} --> ${clock(segment.end, '.')}\n${segment.text.trim()}\n`,
  );
  return `WEBVTT\n\n${cues.join('\n')}`;
}
