// Owns a DAG's schedule in words ("At 06:00, Monday through Friday"): cron through cronstrue,
// Weir's presets it does not know by their meaning.
import cronstrue from 'cronstrue';

const PRESETS: Readonly<Record<string, string>> = {
  '@once': 'Once',
  '@continuous': 'Continuously, one run after another',
};

export function scheduleInWords(schedule: string | null, onAssets = false): string {
  if (schedule === null) return onAssets ? 'When its assets are updated' : 'Only when triggered';
  const preset = PRESETS[schedule];
  if (preset) return preset;
  try {
    return cronstrue.toString(schedule, { use24HourTimeFormat: true, verbose: false });
  } catch {
    return schedule;
  }
}
