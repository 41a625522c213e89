/**
 * The `drm` option as app.md §9.3 draws it: a checkbox per DRM system and one location select,
 * folded into one value such as `playready-cenc-pro,clearkey`. The systems are the registry's
 * choices for `drm`; the locations are the suffixes its syntax allows.
 */
import { choiceValues, type CgiOption } from '../registry.ts';

/** Where the DRM data goes: every place, or only some of PRO, `cenc` in the MPD and `pssh` in moov. */
const LOCATIONS: [string, string][] = [
  ['all', 'everywhere'],
  ['pro', 'PlayReady Object only'],
  ['cenc', 'cenc:pssh in the MPD only'],
  ['moov', 'pssh in the init segment only'],
  ['cenc-pro', 'MPD cenc:pssh and PRO'],
  ['moov-pro', 'init segment and PRO'],
  ['cenc-moov', 'MPD and init segment'],
];

interface Parsed {
  systems: string[];
  location: string;
}

function parse(value: string): Parsed {
  if (value === 'none' || value === '') return { systems: [], location: 'all' };
  const items = value.split(',').filter(Boolean);
  let location = 'all';
  const systems = items.map((item) => {
    const dash = item.indexOf('-');
    if (dash < 0) return item;
    location = item.slice(dash + 1);
    return item.slice(0, dash);
  });
  return { systems, location };
}

function format({ systems, location }: Parsed): string {
  if (systems.length === 0) return 'none';
  return systems.map((s) => (location === 'all' ? s : `${s}-${location}`)).join(',');
}

export function DrmField(props: {
  option: CgiOption;
  value: string;
  disabled: boolean;
  onChange: (value: string) => void;
}) {
  const systems = choiceValues(props.option).filter((v) => v !== 'none' && v !== 'all');
  const raw = parse(props.value);
  // `drm=all` (a registry choice) is every system at every location.
  const parsed = raw.systems.includes('all') ? { ...raw, systems } : raw;
  const toggle = (system: string, on: boolean) => {
    const next = on ? [...parsed.systems, system] : parsed.systems.filter((s) => s !== system);
    // Keep registry order so the same choice always gives the same URL.
    props.onChange(format({ ...parsed, systems: systems.filter((s) => next.includes(s)) }));
  };
  return (
    <fieldset class="drm-field" disabled={props.disabled}>
      <legend class="visually-hidden">DRM systems</legend>
      <div class="drm-systems">
        {systems.map((s) => (
          <label key={s}>
            <input
              type="checkbox"
              name={`drm-${s}`}
              checked={parsed.systems.includes(s)}
              onChange={(e) => toggle(s, e.currentTarget.checked)}
            />
            {s}
          </label>
        ))}
      </div>
      <label>
        Location
        <select
          value={parsed.location}
          disabled={props.disabled || parsed.systems.length === 0}
          onChange={(e) => props.onChange(format({ ...parsed, location: e.currentTarget.value }))}
        >
          {LOCATIONS.map(([v, label]) => (
            <option key={v} value={v}>
              {v} — {label}
            </option>
          ))}
        </select>
      </label>
    </fieldset>
  );
}
