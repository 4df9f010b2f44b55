import { describe, expect, it } from 'vitest';
import { highlightPieces, logFileName, logLineText, matchingLines } from './log-lines.ts';

const line = (message: string, level = 'info') => ({ at: '2026-12-04T01:02:03.456Z', level, message });

describe('log lines', () => {
  it('reads as one text line with its instant and stream', () => {
    expect(logLineText({ at: new Date('2026-12-04T01:02:03.456Z'), level: 'stderr', message: 'boom' })).toBe(
      '2026-12-04T01:02:03.456Z STDERR boom',
    );
    expect(logLineText(line('loading'))).toBe('2026-12-04T01:02:03.456Z INFO   loading');
  });

  it('finds the lines containing the query, ignoring case, and lines of a named stream', () => {
    const lines = [line('Loading rows'), line('done'), line('rows: 5', 'stderr'), line('nothing', 'stderr')];
    expect(matchingLines(lines, 'ROWS')).toEqual([0, 2]);
    expect(matchingLines(lines, 'stderr')).toEqual([2, 3]);
    expect(matchingLines(lines, '')).toEqual([]);
    expect(matchingLines(lines, 'absent')).toEqual([]);
  });

  it('cuts a message around every match, keeping the original case', () => {
    expect(highlightPieces('Row row ROW!', 'row')).toEqual([
      { text: 'Row', match: true },
      { text: ' ', match: false },
      { text: 'row', match: true },
      { text: ' ', match: false },
      { text: 'ROW', match: true },
      { text: '!', match: false },
    ]);
    expect(highlightPieces('plain', 'x')).toEqual([{ text: 'plain', match: false }]);
    expect(highlightPieces('aaa', 'aa')).toEqual([
      { text: 'aa', match: true },
      { text: 'a', match: false },
    ]);
  });

  it('names a downloaded file only with safe characters', () => {
    expect(logFileName('etl', 'manual__2026-12-04T01:00:00+00:00', 'load', -1, 2)).toBe(
      'etl__manual__2026-12-04T01_00_00_00_00__load__try-2.log',
    );
    expect(logFileName('etl', 'r', 'load', 3, 1)).toBe('etl__r__load_3__try-1.log');
  });
});
